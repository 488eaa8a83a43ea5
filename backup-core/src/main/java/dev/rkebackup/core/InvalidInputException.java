package dev.rkebackup.core;

/**
 * Input given by the user is unusable: malformed or contradictory configuration, an unknown RKE version, a name that
 * tries to leave its directory, a store URI no provider understands. Nothing was changed when this is thrown.
 * A command-line front end maps it to "bad input" (exit code 2).
 */
public class InvalidInputException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an input failure.
     *
     * @param message what is wrong, where (file and line when known), and how to fix it
     */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * Creates an input failure with a cause.
     *
     * @param message what is wrong, where, and how to fix it
     * @param cause the underlying failure
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
