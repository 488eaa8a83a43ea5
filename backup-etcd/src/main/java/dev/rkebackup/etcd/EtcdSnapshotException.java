package dev.rkebackup.etcd;

import dev.rkebackup.core.BackupException;

/** A snapshot could not be taken from etcd (no member agreed to send it, or every stream broke). */
public class EtcdSnapshotException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     */
    public EtcdSnapshotException(String message) {
        super(message);
    }
}
