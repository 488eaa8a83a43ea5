package dev.rkebackup.rke.backup;

import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.rke.exec.SnapshotResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one backup run did: the committed set (with each artifact's size, SHA-256 and source), its verification,
 * what each etcd node contributed, which sets retention removed, and the snapshot run when one was taken.
 * Immutable.
 */
public final class BackupResult {
    private final Manifest manifest;
    private final VerifyReport verification;
    private final List<NodeReport> nodes;
    private final List<String> pruned;
    private final SnapshotResult snapshot;

    BackupResult(Manifest manifest, VerifyReport verification, List<NodeReport> nodes, List<String> pruned,
            SnapshotResult snapshot) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.verification = Objects.requireNonNull(verification, "verification");
        this.nodes = List.copyOf(nodes);
        this.pruned = List.copyOf(pruned);
        this.snapshot = snapshot;
    }

    /**
     * The stored set's manifest.
     *
     * @return the manifest
     */
    public Manifest manifest() {
        return manifest;
    }

    /**
     * The re-read of the stored set right after it was committed.
     *
     * @return the report
     */
    public VerifyReport verification() {
        return verification;
    }

    /**
     * Per etcd node, what collection found.
     *
     * @return one report per etcd node, in cluster-config order
     */
    public List<NodeReport> nodes() {
        return nodes;
    }

    /**
     * The sets retention removed after this one was stored.
     *
     * @return set ids, empty when no retention was configured
     */
    public List<String> pruned() {
        return pruned;
    }

    /**
     * The {@code rke etcd snapshot-save} run, when the job took the snapshot.
     *
     * @return the snapshot result, or empty when an existing snapshot was collected
     */
    public Optional<SnapshotResult> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /**
     * Tells whether the set is complete and verified.
     *
     * @return true when the manifest says complete and the verification found no problem
     */
    public boolean ok() {
        return manifest.complete() && verification.ok();
    }

    @Override
    public String toString() {
        return "BackupResult[set=" + manifest.setId() + ", complete=" + manifest.complete() + ", verified="
                + verification.ok() + ", artifacts=" + manifest.artifacts().size() + ", pruned=" + pruned + "]";
    }
}
