package dev.rkebackup.etcd;

import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.VerifyReport;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link EtcdBackup} stored.
 *
 * @param manifest the committed set's manifest
 * @param verification the re-read of the set right after the commit
 * @param agreement the members' statuses and hashes before the snapshot
 * @param member the member the snapshot came from
 * @param pruned sets removed by retention
 */
public record EtcdBackupResult(Manifest manifest, VerifyReport verification, MemberAgreement agreement, String member,
        List<String> pruned) {
    /** Validates and copies. */
    public EtcdBackupResult {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(agreement, "agreement");
        Objects.requireNonNull(member, "member");
        pruned = List.copyOf(pruned);
    }

    /**
     * Whether the set is complete and verified.
     *
     * @return true when both hold
     */
    public boolean ok() {
        return manifest.complete() && verification.ok();
    }
}
