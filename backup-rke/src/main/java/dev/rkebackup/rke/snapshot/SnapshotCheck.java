package dev.rkebackup.rke.snapshot;

import dev.rkebackup.core.IntegrityException;
import java.util.Objects;

/**
 * Result of checking one etcd snapshot file.
 *
 * @param verdict what the check found; only {@link SnapshotVerdict#OK} is good
 * @param detail human-readable explanation (sizes, offsets); never contains snapshot content
 * @param layout whether a plain file or an RKE zip was checked
 * @param streamBytes number of bytes of the file itself (the zip, for {@link SnapshotLayout#RKE_ZIP})
 * @param snapshotBytes number of bytes of the etcd snapshot (the inner entry for a zip), trailer included
 * @param stateEntryPresent whether the zip holds the {@code /etc/kubernetes/<name>.rkestate} entry; always false
 *     for {@link SnapshotLayout#PLAIN}
 */
public record SnapshotCheck(SnapshotVerdict verdict, String detail, SnapshotLayout layout, long streamBytes,
        long snapshotBytes, boolean stateEntryPresent) {

    /** Validates the components. */
    public SnapshotCheck {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(layout, "layout");
        if (streamBytes < 0 || snapshotBytes < 0) {
            throw new IllegalArgumentException("byte counts must not be negative");
        }
    }

    /**
     * Tells whether the snapshot is intact.
     *
     * @return true only for {@link SnapshotVerdict#OK}
     */
    public boolean ok() {
        return verdict == SnapshotVerdict.OK;
    }

    /**
     * Throws unless the snapshot is intact.
     *
     * @param where what was checked, for the message (e.g. {@code "node 10.0.0.1:/opt/rke/etcd-snapshots/x.zip"})
     * @return this result, for chaining
     * @throws IntegrityException if the verdict is not {@link SnapshotVerdict#OK}
     */
    public SnapshotCheck requireOk(String where) {
        if (!ok()) {
            throw new IntegrityException("etcd snapshot " + where + " failed the integrity check: " + verdict
                    + " (" + detail + "); do not restore from this copy: take the snapshot from another etcd node"
                    + " or take a new snapshot");
        }
        return this;
    }
}
