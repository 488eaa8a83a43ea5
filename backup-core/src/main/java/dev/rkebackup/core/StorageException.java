package dev.rkebackup.core;

/**
 * A store could not read, write, list or delete something. {@link #isRetryable()} tells whether the same call may
 * succeed later (network hiccup, throttling) or will fail again (permissions, full disk, wrong credentials).
 */
public class StorageException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    /**
     * Creates a storage failure.
     *
     * @param message what failed, on which key or location, and what to do
     * @param cause the underlying failure, may be null
     * @param retryable whether the same call may succeed later
     */
    public StorageException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * Tells whether the failed call may succeed when tried again.
     *
     * @return true for transient failures
     */
    public boolean isRetryable() {
        return retryable;
    }
}
