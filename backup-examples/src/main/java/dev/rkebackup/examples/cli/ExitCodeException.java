package dev.rkebackup.examples.cli;

/** Ends a command with a given exit code after its output was already printed. */
final class ExitCodeException extends dev.rkebackup.core.BackupException {
    private static final long serialVersionUID = 1L;
    private final int code;

    ExitCodeException(int code, String message) {
        super(message);
        this.code = code;
    }

    int code() {
        return code;
    }
}
