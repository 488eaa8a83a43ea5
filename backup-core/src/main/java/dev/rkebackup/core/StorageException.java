package dev.rkebackup.core;

/**
 * A store could not read, write, list or delete something. {@link #isRetryable()} tells whether the same call may
 * succeed later (network hiccup, throttling) or will fail again (permissions, full disk, wrong credentials).
 *
 * <p>Create one through the factory that says what it means:
 * <pre>{@code
 * throw StorageException.retryable("cannot reach " + endpoint + "; check the network, then retry", e);
 * throw StorageException.permanent("access denied to " + bucket + "; grant s3:PutObject", e);
 * throw StorageException.notFound(key, store.describe());
 * }</pre>
 */
public class StorageException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    /**
     * Creates a storage failure. Subclasses use this; everyone else uses {@link #retryable}, {@link #permanent} or
     * {@link #notFound}, which read at the call site.
     *
     * @param message what failed, on which key or location, and what to do
     * @param cause the underlying failure, may be null
     * @param retryable whether the same call may succeed later
     * @deprecated use {@link #retryable(String, Throwable)} or {@link #permanent(String, Throwable)}; kept for
     *     subclasses and for stores written against 0.1
     */
    @Deprecated
    public StorageException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * A failure that may go away when the same call is tried again: a broken connection, throttling, a timeout.
     *
     * @param message what failed, on which key or location, and what to do
     * @param cause the underlying failure, may be null
     * @return the exception, to throw
     */
    @SuppressWarnings("deprecation")
    public static StorageException retryable(String message, Throwable cause) {
        return new StorageException(message, cause, true);
    }

    /**
     * A failure that will happen again on the same call: permissions, a full disk, wrong credentials, bad content.
     *
     * @param message what failed, on which key or location, and what to do
     * @param cause the underlying failure, may be null
     * @return the exception, to throw
     */
    @SuppressWarnings("deprecation")
    public static StorageException permanent(String message, Throwable cause) {
        return new StorageException(message, cause, false);
    }

    /**
     * A key that was expected is not there. Never retryable.
     *
     * @param key the missing key
     * @param where a description of the store (no secrets), as {@link dev.rkebackup.core.storage.ObjectStore#describe}
     * @return the exception, to throw
     */
    public static ObjectNotFoundException notFound(String key, String where) {
        return new ObjectNotFoundException(key, where);
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
