package dev.rkebackup.core;

import java.util.List;

/**
 * An external command (such as {@code rke}) could not be started, timed out, or failed. The command line given here
 * is already redacted, and the stderr tail has had every known secret replaced.
 */
public class CommandException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final List<String> redactedCommand;
    private final int exitCode;
    private final String outputTail;

    /**
     * Creates a command failure.
     *
     * @param message what failed and what to do
     * @param redactedCommand the argument list with secrets replaced
     * @param exitCode the exit code, or -1 when the process did not exit by itself
     * @param outputTail the last lines of output, redacted
     * @param cause the underlying failure, may be null
     */
    public CommandException(String message, List<String> redactedCommand, int exitCode, String outputTail,
            Throwable cause) {
        super(message, cause);
        this.redactedCommand = List.copyOf(redactedCommand);
        this.exitCode = exitCode;
        this.outputTail = outputTail == null ? "" : outputTail;
    }

    /**
     * Returns the command's argument list with every secret replaced.
     *
     * @return the redacted argv
     */
    public List<String> redactedCommand() {
        return redactedCommand;
    }

    /**
     * Returns the exit code.
     *
     * @return the exit code, or -1 when the process was killed or never started
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Returns the last lines the command printed, redacted.
     *
     * @return the output tail, possibly empty
     */
    public String outputTail() {
        return outputTail;
    }
}
