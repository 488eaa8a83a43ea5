package dev.rkebackup.core.crypto;

import dev.rkebackup.core.IntegrityException;

/**
 * Stored data failed authentication: it was modified, truncated, re-dated, moved from another set or repository, or
 * not written by a holder of the repository's key. It must not be restored.
 */
public class AuthenticationException extends IntegrityException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an authentication failure.
     *
     * @param message what failed, where, and what to do
     */
    public AuthenticationException(String message) {
        super(message);
    }

    /**
     * Creates an authentication failure with a cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
