package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.rke.exec.RkeLogLevel;
import dev.rkebackup.rke.exec.RkeOutputLine;
import dev.rkebackup.rke.exec.RkeOutputListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each raw output line of {@code rke} goes: redacted (raw text first, then the parsed message again), parsed,
 * logged to slf4j at the matching level under the logger {@value #OUTPUT_LOGGER}, handed to the listener and to an
 * optional analyzer, and kept (the last {@value #KEEP} lines). Thread-safe.
 */
public final class OutputPipeline implements ProcessRunner.LineSink {
    /** Name of the slf4j logger that receives rke's own output. */
    public static final String OUTPUT_LOGGER = "dev.rkebackup.rke.exec.RkeOutput";
    private static final Logger LOG = LoggerFactory.getLogger(OutputPipeline.class);
    private static final Logger OUTPUT = LoggerFactory.getLogger(OUTPUT_LOGGER);
    private static final int KEEP = 2_000;

    private final Redactor redactor;
    private final RkeOutputListener listener;
    private final Consumer<RkeOutputLine> analyzer;
    private final Deque<RkeOutputLine> kept = new ArrayDeque<>();

    /**
     * Creates a pipeline.
     *
     * @param redactor hides secrets
     * @param listener the caller's listener
     * @param analyzer a further consumer (outcome analysis)
     */
    public OutputPipeline(Redactor redactor, RkeOutputListener listener, Consumer<RkeOutputLine> analyzer) {
        this.redactor = redactor;
        this.listener = listener;
        this.analyzer = analyzer;
    }

    @Override
    public void line(String line, RkeOutputLine.Stream stream) {
        RkeOutputLine parsed = LogrusParser.parse(redactor.redact(line), stream);
        RkeOutputLine safe = new RkeOutputLine(stream, parsed.level(), redactor.redact(parsed.message()),
                parsed.raw());
        log(safe);
        analyzer.accept(safe);
        synchronized (kept) {
            if (kept.size() == KEEP) {
                kept.removeFirst();
            }
            kept.addLast(safe);
        }
        try {
            listener.onLine(safe);
        } catch (RuntimeException e) {
            LOG.warn("The rke output listener {} threw {}; the line is ignored by it", listener.getClass().getName(),
                    e.toString());
        }
    }

    private static void log(RkeOutputLine l) {
        RkeLogLevel level = l.level();
        String text = l.message();
        switch (level) {
            case TRACE -> OUTPUT.trace("rke: {}", text);
            case DEBUG -> OUTPUT.debug("rke: {}", text);
            case INFO -> OUTPUT.info("rke: {}", text);
            case WARNING -> OUTPUT.warn("rke: {}", text);
            case ERROR, FATAL, PANIC -> OUTPUT.error("rke: {}", text);
            default -> {
                if (l.stream() == RkeOutputLine.Stream.STDERR) {
                    OUTPUT.warn("rke (stderr): {}", text);
                } else {
                    OUTPUT.info("rke (stdout): {}", text);
                }
            }
        }
    }

    /** @return the kept (redacted) lines, oldest first */
    public List<RkeOutputLine> lines() {
        synchronized (kept) {
            return new ArrayList<>(kept);
        }
    }

    /**
     * Returns the last lines as text, for exception messages.
     *
     * @param count how many lines
     * @return the raw (redacted) lines joined by newlines
     */
    public String tail(int count) {
        List<RkeOutputLine> all = lines();
        StringBuilder b = new StringBuilder();
        for (RkeOutputLine l : all.subList(Math.max(0, all.size() - count), all.size())) {
            b.append(l.raw()).append('\n');
        }
        return b.toString();
    }
}
