package dev.rkebackup.etcd;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import java.util.Optional;

/** Finds the highest revision stored for an etcd cluster id. */
final class RevisionGuard {
    record Stored(String setId, long revision) {
    }

    private RevisionGuard() {
    }

    static Optional<Stored> newest(BackupRepository repository, String clusterId) {
        Stored best = null;
        for (Manifest m : repository.listSets()) {
            var labels = m.metadata().labels();
            if (!clusterId.equals(labels.get(EtcdLabels.CLUSTER_ID))) {
                continue;
            }
            long rev;
            try {
                rev = Long.parseLong(labels.getOrDefault(EtcdLabels.REVISION, ""));
            } catch (NumberFormatException e) {
                continue;
            }
            if (best == null || rev > best.revision()) {
                best = new Stored(m.setId(), rev);
            }
        }
        return Optional.ofNullable(best);
    }
}
