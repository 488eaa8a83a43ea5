package dev.rkebackup.rke.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What restore preparation did (or, for a dry run, would do).
 *
 * @param setId the backup set
 * @param snapshotName the bare snapshot name to pass to {@code --name}
 * @param snapshotSha256 the SHA-256 every node's copy was confirmed to have
 * @param dryRun true when nothing was touched
 * @param steps every step, in order, in words
 * @param nodes per etcd node, what happened (empty for a dry run)
 * @param localFiles files placed next to the cluster config (empty for a dry run)
 * @param restoreCommand the exact command to run next, secrets redacted
 */
public record RestoreResult(String setId, String snapshotName, String snapshotSha256, boolean dryRun,
        List<String> steps, List<NodeReport> nodes, List<Path> localFiles, String restoreCommand) {
    /** Validates and copies. */
    public RestoreResult {
        Objects.requireNonNull(setId, "setId");
        Objects.requireNonNull(snapshotName, "snapshotName");
        Objects.requireNonNull(snapshotSha256, "snapshotSha256");
        Objects.requireNonNull(restoreCommand, "restoreCommand");
        steps = List.copyOf(steps);
        nodes = List.copyOf(nodes);
        localFiles = List.copyOf(localFiles);
    }

    /**
     * Tells whether every etcd node holds the snapshot with the right checksum.
     *
     * @return true when no node failed (always true for a dry run)
     */
    public boolean ok() {
        return nodes.stream().allMatch(n -> n.status() == NodeReport.Status.OK
                || n.status() == NodeReport.Status.UNCHANGED);
    }
}
