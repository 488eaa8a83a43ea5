package dev.rkebackup.rke.exec;

/**
 * How an {@code rke etcd snapshot-save} run ended, decided from the output and the exit code together (RKE
 * v1.3.13+ exits 0 when some hosts failed; v1.3.13–14 and v1.4.0–2 exit 2 after a good save).
 */
public enum SnapshotStatus {
    /** Exit 0, the final message of that version printed, no failure line, no etcd host dropped. */
    SUCCESS,
    /** Exit 0 and complete, but etcd hosts were dropped as unreachable: they have no snapshot. */
    HOSTS_DROPPED,
    /** Exit 0 with {@code Failed to take snapshot on %!s(int=N) etcd hosts}: N hosts have no snapshot. */
    PARTIAL_FAILURE,
    /** The snapshots were saved locally but (some or all) S3 uploads failed. */
    UPLOAD_FAILED,
    /** Exit 2 with a Go panic right after {@code Finished saving snapshot}: the files exist (rke#3028). */
    PANIC_AFTER_SAVE,
    /** Exit 0 but the final success message never appeared: treat as failed, check the nodes. */
    UNCONFIRMED,
    /** Non-zero exit: the save failed (on some hosts files may exist; see the result's hosts). */
    FAILED,
    /** Our timeout killed {@code rke}; earlier hosts may hold files, the current one a partial file. */
    TIMED_OUT,
    /** The calling thread was interrupted and {@code rke} was killed. */
    CANCELLED;

    /**
     * Tells whether every etcd host holds the snapshot and nothing failed.
     *
     * @return true only for {@link #SUCCESS}
     */
    public boolean isSuccess() {
        return this == SUCCESS;
    }
}
