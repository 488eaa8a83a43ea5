package dev.rkebackup.core.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Base for streams that watch the bytes passing through: it counts them, notices the end once, and routes every
 * read (single-byte reads and {@link #skip} included) through {@link #read(byte[], int, int)}, so a subclass
 * overrides one method or one of the two hooks and sees every byte exactly once.
 *
 * <pre>{@code
 * final class Hashing extends ForwardingInputStream {
 *     Hashing(InputStream in, MessageDigest md) { super(in); this.md = md; }
 *     protected void afterRead(byte[] b, int off, int n) { md.update(b, off, n); }
 * }
 * }</pre>
 *
 * <p>Not thread-safe, like the streams it wraps. Closing it closes the wrapped stream unless a subclass overrides
 * {@link #close()}. Marks are not supported.
 */
public class ForwardingInputStream extends FilterInputStream {
    private static final int SKIP_BUFFER = 8192;

    private long count;
    private boolean ended;

    /**
     * Wraps a stream.
     *
     * @param in the stream to read from
     */
    protected ForwardingInputStream(InputStream in) {
        super(Objects.requireNonNull(in, "in"));
    }

    /**
     * Wraps a stream only to count its bytes.
     *
     * @param in the stream to read from
     * @return the counting stream; closing it closes {@code in}
     */
    public static ForwardingInputStream counting(InputStream in) {
        return new ForwardingInputStream(in);
    }

    /** Reads one byte through {@link #read(byte[], int, int)}, so subclasses need not handle it. */
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * Reads from the wrapped stream, counts what came, calls {@link #afterRead} for data and {@link #atEnd} the first
     * time the wrapped stream reports its end. Subclasses that limit or translate reads override this and call
     * {@code super.read}.
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            afterRead(b, off, n);
        } else if (n < 0 && !ended) {
            ended = true;
            atEnd();
        }
        return n;
    }

    /**
     * Called with the bytes of each successful read, after they were counted.
     *
     * @param b the buffer
     * @param off where the new bytes start
     * @param n how many there are, at least 1
     * @throws IOException to fail the read
     */
    protected void afterRead(byte[] b, int off, int n) throws IOException {
        // nothing by default
    }

    /**
     * Called once, when the wrapped stream first reports its end.
     *
     * @throws IOException to fail the read that reached the end
     */
    protected void atEnd() throws IOException {
        // nothing by default
    }

    /** Skips by reading, so that counting and hooks see the skipped bytes too. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(SKIP_BUFFER, Math.max(n, 1))];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - Math.max(left, 0);
    }

    @Override
    public final boolean markSupported() {
        return false;
    }

    @Override
    public final synchronized void mark(int readlimit) {
        // not supported: a reset would make hooks see bytes twice
    }

    @Override
    public final synchronized void reset() throws IOException {
        throw new IOException("mark/reset is not supported");
    }

    /**
     * How many bytes were read through this stream so far.
     *
     * @return the count
     */
    public final long count() {
        return count;
    }

    /**
     * Whether the wrapped stream reported its end.
     *
     * @return true after the end was read
     */
    public final boolean ended() {
        return ended;
    }
}
