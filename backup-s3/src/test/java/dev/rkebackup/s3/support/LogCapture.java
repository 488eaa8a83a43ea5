package dev.rkebackup.s3.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures everything logged under {@code dev.rkebackup} and {@code software.amazon} (DEBUG and up) while open. */
public final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("dev.rkebackup"),
            (Logger) LoggerFactory.getLogger("software.amazon.awssdk.request"),
            (Logger) LoggerFactory.getLogger("software.amazon.awssdk.auth"));
    private final List<Level> previous;

    public LogCapture() {
        appender.start();
        previous = loggers.stream().map(Logger::getLevel).toList();
        for (Logger l : loggers) {
            l.addAppender(appender);
            l.setLevel(Level.DEBUG);
            l.setAdditive(false); // captured only, not printed
        }
    }

    /** @return every captured line, formatted, with exception texts */
    public String text() {
        StringBuilder sb = new StringBuilder();
        synchronized (appender) {
            for (ILoggingEvent e : List.copyOf(appender.list)) {
                sb.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
                if (e.getThrowableProxy() != null) {
                    sb.append(e.getThrowableProxy().getMessage()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(previous.get(i));
            loggers.get(i).setAdditive(true);
        }
        appender.stop();
    }
}
