package dev.rkebackup.examples.cli;

import dev.rkebackup.rke.exec.RkeLogLevel;
import dev.rkebackup.rke.exec.RkeOutputLine;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;

/**
 * Shows what rke said when a run did not fully succeed, without {@code --verbose}: its warning, error, fatal and
 * panic lines (already redacted), at most {@link #MAX} of them, or its last lines when it printed none of those.
 */
final class RkeLines {
    static final int MAX = 20;
    private static final Set<RkeLogLevel> RELEVANT = Set.of(RkeLogLevel.WARNING, RkeLogLevel.ERROR,
            RkeLogLevel.FATAL, RkeLogLevel.PANIC);

    private RkeLines() {
    }

    static void print(PrintWriter err, List<RkeOutputLine> output) {
        List<RkeOutputLine> relevant = output.stream().filter(l -> RELEVANT.contains(l.level())).toList();
        List<RkeOutputLine> shown = relevant.isEmpty() ? output : relevant;
        if (shown.isEmpty()) {
            return;
        }
        int from = Math.max(0, shown.size() - MAX);
        err.println("rke said" + (relevant.isEmpty() ? " (last lines)" : "") + ":");
        for (RkeOutputLine l : shown.subList(from, shown.size())) {
            err.println("  rke " + l.level().name().toLowerCase(java.util.Locale.ROOT) + ": " + l.message());
        }
        err.flush();
    }
}
