package dev.rkebackup.examples;

import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stores the sample cluster's snapshot, config and state file as one backup set in a local directory, verifies it
 * and lists the store: the core library's whole round trip, with no cluster.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * Runs the example.
     *
     * @param args optional: the samples directory (default {@code samples/cluster}) and the store location
     *     (default {@code rke-backup-demo/store})
     * @throws IOException if a sample file cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path samples = Path.of(args.length > 0 ? args[0] : "samples/cluster");
        String location = args.length > 1 ? args[1] : "rke-backup-demo/store";
        try (ObjectStore store = ObjectStores.open(location)) {
            BackupRepository repo = BackupRepository.create(store);
            Manifest m;
            try (BackupSetWriter w = repo.newSet(SetMetadata.of("rancher-demo").withRkeVersion("v1.6.3")
                    .withLabel(SetMetadata.LABEL_SNAPSHOT_NAME, "demo-snapshot"))) {
                add(w, samples.resolve("etcd-snapshots/demo-snapshot.zip"), ArtifactKind.ETCD_SNAPSHOT);
                add(w, samples.resolve("rancher-cluster.yml"), ArtifactKind.CLUSTER_CONFIG);
                add(w, samples.resolve("rancher-cluster.rkestate"), ArtifactKind.RKESTATE);
                m = w.commit();
            }
            VerifyReport report = repo.verify(m.setId());
            System.out.printf("stored set %s in %s: %d artifacts, %d bytes, verify %s%n", m.setId(),
                    store.describe(), m.artifacts().size(), m.totalBytes(), report.ok() ? "OK" : "FAILED");
            for (Manifest each : repo.listSets()) {
                System.out.printf("  %s  %s  %d artifacts%n", each.setId(), each.createdAt(),
                        each.artifacts().size());
            }
        }
    }

    private static void add(BackupSetWriter w, Path file, ArtifactKind kind) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            w.add(file.getFileName().toString(), kind, ArtifactSource.local(file.toString()), in, Files.size(file));
        }
    }
}
