package dev.rkebackup.rke.exec;

/**
 * Receives every line RKE prints, as it is printed, after redaction.
 *
 * <p>Called on the thread that reads the process output (one per stream, so calls may be concurrent for stdout
 * and stderr). Implementations must be fast and thread-safe; an exception they throw is logged and ignored.
 */
@FunctionalInterface
public interface RkeOutputListener {
    /** A listener that ignores every line. */
    RkeOutputListener NONE = line -> { };

    /**
     * Called once per output line.
     *
     * @param line the redacted line
     */
    void onLine(RkeOutputLine line);
}
