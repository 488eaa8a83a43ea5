package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.rke.exec.RkeOutputLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.Watchdog;

/**
 * Runs one process through Apache commons-exec: an argument list (never a shell), a working directory, an
 * explicit environment, a timeout that always applies, both output streams read line by line as they arrive.
 * Interrupting the calling thread kills the process and reports {@link Execution#cancelled()}. A timeout or a
 * cancellation kills the whole process tree (children first, while they can still be found), so no grandchild
 * keeps running or keeps the output pipes open. The child gets only {@link ChildEnvironment#filter(Map)} of the
 * given environment: no credential reaches it.
 * Stateless and thread-safe.
 */
public final class ProcessRunner {
    /** Receives raw lines; called from the pump threads (stdout and stderr concurrently). */
    @FunctionalInterface
    public interface LineSink {
        /**
         * Called for each line.
         *
         * @param line the line without terminator
         * @param stream the stream it came from
         */
        void line(String line, RkeOutputLine.Stream stream);
    }

    /**
     * How a run ended.
     *
     * @param exitCode the exit code; -1 when killed by timeout or cancellation
     * @param timedOut true when the timeout killed the process
     * @param cancelled true when the caller's thread was interrupted and the process was killed
     * @param elapsed wall time
     */
    public record Execution(int exitCode, boolean timedOut, boolean cancelled, Duration elapsed) {
    }

    /** The process could not be started at all (missing or not executable binary, bad working directory). */
    public static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Duration PUMP_STOP_TIMEOUT = Duration.ofSeconds(10);

    private ProcessRunner() {
    }

    /**
     * Runs the command and blocks until it exits, times out, or the calling thread is interrupted.
     *
     * @param argv the program and its arguments
     * @param workingDirectory the working directory
     * @param environment the complete environment of the child
     * @param timeout the maximum run time (positive)
     * @param sink receives every output line
     * @return how it ended
     * @throws StartException if the process could not be started
     */
    public static Execution run(List<String> argv, Path workingDirectory, Map<String, String> environment,
            Duration timeout, LineSink sink) throws StartException {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        CommandLine cmd = new CommandLine(argv.get(0));
        for (String arg : argv.subList(1, argv.size())) {
            cmd.addArgument(arg, false); // no quoting games: each element is exactly one argv entry
        }
        TreeWatchdog watchdog = new TreeWatchdog(timeout);
        LineStream out = new LineStream(sink, RkeOutputLine.Stream.STDOUT);
        LineStream err = new LineStream(sink, RkeOutputLine.Stream.STDERR);
        PumpStreamHandler pumps = new PumpStreamHandler(out, err);
        // a grandchild that inherited the pipes must not block us forever after rke itself ended
        pumps.setStopTimeout(PUMP_STOP_TIMEOUT);
        DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(workingDirectory)
                .setExecuteStreamHandler(pumps).get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // every exit code is an outcome to classify, not an exception
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
        long start = System.nanoTime();
        try {
            executor.execute(cmd, ChildEnvironment.filter(environment), handler);
        } catch (IOException e) {
            throw new StartException(e.getMessage(), e);
        }
        boolean cancelled = false;
        while (!handler.hasResult()) {
            try {
                handler.waitFor(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                cancelled = true;
                watchdog.destroyProcess();
                awaitUninterruptibly(handler);
                Thread.currentThread().interrupt();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (handler.getException() != null) {
            throw new StartException(String.valueOf(handler.getException().getMessage()), handler.getException());
        }
        boolean timedOut = watchdog.killedProcess() && !cancelled;
        int exit = timedOut || cancelled ? -1 : handler.getExitValue();
        return new Execution(exit, timedOut, cancelled, elapsed);
    }

    private static void awaitUninterruptibly(DefaultExecuteResultHandler handler) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!handler.hasResult() && System.nanoTime() < deadline) {
            try {
                handler.waitFor(Duration.ofMillis(100));
            } catch (InterruptedException ignored) {
                // keep waiting for the kill to complete; the interrupt is restored by the caller
            }
        }
    }

    /** A watchdog that kills the descendants of the process before the process itself. */
    private static final class TreeWatchdog extends ExecuteWatchdog {
        private Process process;

        @SuppressWarnings("deprecation") // the builder cannot be subclassed; this constructor is the extension point
        TreeWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process p) {
            this.process = p;
            super.start(p);
        }

        @Override
        public synchronized void timeoutOccured(Watchdog w) {
            killDescendants();
            super.timeoutOccured(w);
        }

        @Override
        public synchronized void destroyProcess() {
            killDescendants();
            super.destroyProcess();
        }

        private void killDescendants() {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Splits a byte stream into UTF-8 lines. */
    private static final class LineStream extends LogOutputStream {
        private final LineSink sink;
        private final RkeOutputLine.Stream stream;

        LineStream(LineSink sink, RkeOutputLine.Stream stream) {
            super(0, StandardCharsets.UTF_8);
            this.sink = sink;
            this.stream = stream;
        }

        @Override
        protected void processLine(String line, int level) {
            sink.line(line, stream);
        }
    }
}
