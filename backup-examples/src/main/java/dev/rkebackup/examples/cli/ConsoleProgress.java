package dev.rkebackup.examples.cli;

import dev.rkebackup.core.ProgressListener;
import java.io.PrintStream;

/** Draws one progress line per transfer on a terminal; draws nothing when stderr is not a terminal. */
final class ConsoleProgress implements ProgressListener {
    private final PrintStream err;
    private final java.util.Set<String> drawn = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ConsoleProgress(PrintStream err) {
        this.err = err;
    }

    /** A listener that draws only when this process has a terminal and JSON output is off. */
    static ProgressListener forTerminal(boolean json) {
        return System.console() != null && !json ? new ConsoleProgress(System.err) : ProgressListener.NONE;
    }

    @Override
    public void progressed(String path, long done, long total) {
        if (total > 0) {
            drawn.add(path);
            int pct = (int) (done * 100 / total);
            int bars = pct / 4;
            err.printf("\r%-40.40s [%-25s] %3d%% %,d MiB", path, "#".repeat(bars), pct, done >> 20);
        }
    }

    @Override
    public void finished(String path, long bytes, boolean success) {
        if (drawn.remove(path)) {
            err.printf("\r%-40.40s %s %,d bytes%30s%n", path, success ? "done" : "FAILED", bytes, "");
        }
    }
}
