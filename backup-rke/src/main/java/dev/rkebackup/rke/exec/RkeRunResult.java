package dev.rkebackup.rke.exec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of an {@code rke up} or {@code rke etcd snapshot-restore} run. {@link #confirmed()} tells whether
 * RKE printed its success line ({@code Finished building Kubernetes cluster successfully} for {@code up},
 * {@code Finished restoring snapshot [<name>] on all etcd hosts} for a restore). Immutable and thread-safe; the
 * output is redacted.
 */
public final class RkeRunResult {
    /** How the run ended. */
    public enum Status {
        /** Exit 0 and the success line was printed. */
        SUCCESS,
        /** Exit 0 but no success line: do not trust it. */
        UNCONFIRMED,
        /** Non-zero exit. */
        FAILED,
        /** Killed by the timeout. */
        TIMED_OUT,
        /** Killed because the calling thread was interrupted. */
        CANCELLED
    }

    private final Status status;
    private final boolean confirmed;
    private final int exitCode;
    private final String failureMessage;
    private final Duration elapsed;
    private final RkeCommand command;
    private final List<RkeOutputLine> output;

    RkeRunResult(Status status, boolean confirmed, int exitCode, String failureMessage, Duration elapsed,
            RkeCommand command, List<RkeOutputLine> output) {
        this.status = Objects.requireNonNull(status, "status");
        this.confirmed = confirmed;
        this.exitCode = exitCode;
        this.failureMessage = failureMessage;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.command = Objects.requireNonNull(command, "command");
        this.output = List.copyOf(output);
    }

    /** @return how the run ended */
    public Status status() {
        return status;
    }

    /** @return true only for {@link Status#SUCCESS} */
    public boolean isSuccess() {
        return status == Status.SUCCESS;
    }

    /** @return true when RKE printed the success line of this command */
    public boolean confirmed() {
        return confirmed;
    }

    /** @return the exit code, -1 when killed */
    public int exitCode() {
        return exitCode;
    }

    /** @return the redacted fatal message, when RKE printed one */
    public Optional<String> failureMessage() {
        return Optional.ofNullable(failureMessage);
    }

    /** @return the wall time */
    public Duration elapsed() {
        return elapsed;
    }

    /** @return the command that ran */
    public RkeCommand command() {
        return command;
    }

    /** @return the redacted output lines (the last ones when very long) */
    public List<RkeOutputLine> output() {
        return output;
    }

    @Override
    public String toString() {
        return "RkeRunResult[" + command.kind() + ", status=" + status + ", exitCode=" + exitCode + "]";
    }
}
