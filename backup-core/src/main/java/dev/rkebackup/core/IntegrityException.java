package dev.rkebackup.core;

/**
 * Data did not match what was expected of it: a size or SHA-256 mismatch, a snapshot whose trailer checksum is wrong,
 * a truncated file, a manifest that cannot be read. The data must not be trusted.
 */
public class IntegrityException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an integrity failure.
     *
     * @param message what did not match, where, and what to do
     */
    public IntegrityException(String message) {
        super(message);
    }

    /**
     * Creates an integrity failure with a cause.
     *
     * @param message what did not match, where, and what to do
     * @param cause the underlying failure
     */
    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
