package dev.rkebackup.rke.backup;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.rke.exec.SnapshotResult;
import java.util.Objects;

/**
 * {@code rke etcd snapshot-save} failed on every host (or timed out before any host had the file), so nothing was
 * collected. Carries the result, whose redacted output says why.
 */
public final class SnapshotFailedException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final transient SnapshotResult snapshot;

    SnapshotFailedException(String message, SnapshotResult snapshot) {
        super(message);
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** @return the failed run, with its redacted output */
    public SnapshotResult snapshot() {
        return snapshot;
    }
}
