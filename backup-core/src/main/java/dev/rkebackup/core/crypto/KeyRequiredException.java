package dev.rkebackup.core.crypto;

import dev.rkebackup.core.InvalidInputException;

/**
 * The store holds an encrypted repository and no key was given (or a key was given for a store that is not an
 * encrypted repository). Nothing was read or written.
 */
public class KeyRequiredException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message what is missing and how to give it
     */
    public KeyRequiredException(String message) {
        super(message);
    }
}
