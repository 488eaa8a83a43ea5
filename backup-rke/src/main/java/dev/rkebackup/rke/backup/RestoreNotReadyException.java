package dev.rkebackup.rke.backup;

import dev.rkebackup.core.BackupException;

/**
 * Restore preparation could not put the verified snapshot on every etcd node. {@link #result()} tells what happened
 * on each node; do not run {@code rke etcd snapshot-restore} until the preparation succeeds.
 */
public class RestoreNotReadyException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final transient RestoreResult result;

    RestoreNotReadyException(RestoreResult result, String message) {
        super(message);
        this.result = result;
    }

    /**
     * What happened on each node.
     *
     * @return the partial result
     */
    public RestoreResult result() {
        return result;
    }
}
