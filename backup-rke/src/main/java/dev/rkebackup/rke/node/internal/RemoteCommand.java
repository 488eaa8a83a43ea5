package dev.rkebackup.rke.node.internal;

import dev.rkebackup.core.io.ForwardingInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Runs a command on a node over an SSH exec channel. The command line is built from single-quoted words, so paths
 * with spaces or quotes are safe; no secret is ever part of a command line. Output is bounded: stdout up to 64 KiB
 * for {@link #run}, stderr keeps its last 4 KiB.
 */
public final class RemoteCommand {
    private static final int STDOUT_LIMIT = 64 * 1024;
    private static final int STDERR_LIMIT = 4 * 1024;

    private RemoteCommand() {
    }

    /**
     * Quotes words for a POSIX shell.
     *
     * @param words the argument list
     * @return the command line
     */
    public static String commandLine(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /**
     * Runs a command and waits for it.
     *
     * @param session the SSH session
     * @param words the argument list
     * @param stdin bytes fed to the command's stdin (read to the end, not closed), or null for none
     * @param timeout limit for the whole command
     * @return exit status (-1 if none was reported), stdout and the stderr tail
     * @throws IOException if the channel cannot be opened or breaks
     */
    public static Result run(ClientSession session, List<String> words, InputStream stdin, Duration timeout)
            throws IOException {
        String cmd = commandLine(words);
        Bounded out = new Bounded(STDOUT_LIMIT, false);
        Bounded err = new Bounded(STDERR_LIMIT, true);
        try (ChannelExec ch = session.createExecChannel(cmd)) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(timeout);
            IOException stdinFailure = null;
            if (stdin != null) {
                try (OutputStream in = ch.getInvertedIn()) {
                    stdin.transferTo(in);
                } catch (IOException e) {
                    // the command may have exited early (e.g. disk full); its status and stderr tell why
                    stdinFailure = e;
                }
            } else {
                ch.getInvertedIn().close();
            }
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), timeout);
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            Integer status = ch.getExitStatus();
            if (stdinFailure != null && (status == null || status == 0 || !session.isOpen())) {
                throw stdinFailure;
            }
            return new Result(status == null ? -1 : status, out.text(), err.text());
        }
    }

    /**
     * Starts a command whose stdout is streamed to the caller (e.g. {@code sudo -n cat -- FILE}). When the stream
     * reaches its end, a non-zero exit status turns into an {@link IOException} carrying the stderr tail, so a
     * failed command can never look like a short file.
     *
     * @param session the SSH session
     * @param words the argument list
     * @param timeout limit for opening the channel
     * @return the started command
     * @throws IOException if the channel cannot be opened
     */
    public static Streaming stream(ClientSession session, List<String> words, Duration timeout) throws IOException {
        ChannelExec ch = session.createExecChannel(commandLine(words));
        Bounded err = new Bounded(STDERR_LIMIT, true);
        ch.setErr(err);
        try {
            ch.open().verify(timeout);
            ch.getInvertedIn().close();
        } catch (IOException | RuntimeException e) {
            ch.close(true);
            throw e;
        }
        return new Streaming(ch, err);
    }

    /**
     * Outcome of a finished command.
     *
     * @param exitStatus the exit status, -1 if the server sent none
     * @param stdout the output (first 64 KiB)
     * @param stderrTail the last 4 KiB of the error output
     */
    public record Result(int exitStatus, String stdout, String stderrTail) {
    }

    /** A running command with its stdout as a stream. Closing it closes the channel. */
    public static final class Streaming extends ForwardingInputStream {
        private final ChannelExec channel;
        private final Bounded err;

        private Streaming(ChannelExec channel, Bounded err) {
            super(channel.getInvertedOut());
            this.channel = channel;
            this.err = err;
        }

        /**
         * Waits for the command's exit status (call after the end of stdout).
         *
         * @return exit status, -1 if none arrived
         */
        public int exitStatus() {
            channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED),
                    Duration.ofSeconds(30));
            Integer s = channel.getExitStatus();
            return s == null ? -1 : s;
        }

        /**
         * The stderr tail so far.
         *
         * @return text
         */
        public String stderrTail() {
            return err.text();
        }

        @Override
        protected void atEnd() throws IOException {
            int status = exitStatus();
            if (status != 0) {
                throw new CommandFailed(status, stderrTail());
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                channel.close(false);
            }
        }
    }

    /** A streamed command ended with a non-zero status. */
    public static final class CommandFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String stderr;

        CommandFailed(int status, String stderr) {
            super("remote command exited with status " + status + ": " + stderr.strip());
            this.status = status;
            this.stderr = stderr;
        }

        /**
         * The exit status.
         *
         * @return status
         */
        public int status() {
            return status;
        }

        /**
         * The stderr tail.
         *
         * @return text
         */
        public String stderr() {
            return stderr;
        }
    }

    /** Keeps the first (or last) N bytes written. */
    private static final class Bounded extends OutputStream {
        private final int limit;
        private final boolean keepTail;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Bounded(int limit, boolean keepTail) {
            this.limit = limit;
            this.keepTail = keepTail;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (!keepTail) {
                buf.write(b, off, Math.max(0, Math.min(len, limit - buf.size())));
                return;
            }
            buf.write(b, off, len);
            if (buf.size() > 2 * limit) {
                byte[] all = buf.toByteArray();
                buf.reset();
                buf.write(all, all.length - limit, limit);
            }
        }

        synchronized String text() {
            byte[] all = buf.toByteArray();
            int from = Math.max(0, all.length - limit);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }
    }
}
