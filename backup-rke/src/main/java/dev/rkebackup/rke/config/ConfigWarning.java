package dev.rkebackup.rke.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One finding of an inspection.
 *
 * @param code stable identifier
 * @param severity how serious it is
 * @param message what is wrong and what to do; never contains a secret
 * @param line 1-based line in the config the finding is about, 0 when it is about no line
 */
public record ConfigWarning(WarningCode code, Severity severity, String message, int line) {
    /** Validates the fields. */
    public ConfigWarning {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0: " + line);
        }
    }

    /** @return the line, empty when the finding is about no particular line */
    public OptionalInt lineNumber() {
        return line == 0 ? OptionalInt.empty() : OptionalInt.of(line);
    }

    /** @return e.g. {@code WARNING EVEN_ETCD_MEMBERS (line 3): ...} */
    @Override
    public String toString() {
        return severity + " " + code + (line == 0 ? "" : " (line " + line + ")") + ": " + message;
    }
}
