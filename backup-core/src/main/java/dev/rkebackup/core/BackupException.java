package dev.rkebackup.core;

/**
 * Root of every exception the library throws on purpose. Unchecked, and deliberately not sealed so that third-party
 * {@link dev.rkebackup.core.storage.ObjectStore} implementations can throw its subtypes.
 *
 * <p>Messages say what failed, on what, and what to do about it. They never contain a secret.
 */
public class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what failed and what to do
     */
    public BackupException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what failed and what to do
     * @param cause the underlying failure
     */
    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
