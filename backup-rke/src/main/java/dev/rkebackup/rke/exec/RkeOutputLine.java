package dev.rkebackup.rke.exec;

import java.util.Objects;

/**
 * One line RKE printed, already redacted: every secret and the S3 access key are replaced by
 * {@link dev.rkebackup.core.Secret#REDACTED} in both {@link #message()} and {@link #raw()}.
 *
 * @param stream where the line came from
 * @param level the logrus level, {@link RkeLogLevel#UNKNOWN} for non-log lines
 * @param message the logrus {@code msg} (unquoted and unescaped), or the whole line for non-log lines
 * @param raw the line as printed (ANSI colour codes removed), redacted
 */
public record RkeOutputLine(Stream stream, RkeLogLevel level, String message, String raw) {
    /** The output stream of the process. */
    public enum Stream {
        /** Standard output (logs of RKE v0.2.0+). */
        STDOUT,
        /** Standard error (logs of RKE v0.1.x, Go panics). */
        STDERR
    }

    /**
     * Validates the components.
     *
     * @throws NullPointerException if any component is null
     */
    public RkeOutputLine {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(raw, "raw");
    }
}
