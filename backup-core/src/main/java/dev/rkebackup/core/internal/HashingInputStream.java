package dev.rkebackup.core.internal;

import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.io.ForwardingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and SHA-256-hashes the bytes that pass through, and reports progress. Internal: not a published API.
 * Closing it closes the wrapped stream.
 */
public final class HashingInputStream extends ForwardingInputStream {
    private static final long REPORT_EVERY = 4L << 20;

    private final MessageDigest digest;
    private final ProgressListener listener;
    private final String path;
    private final long total;
    private long lastReported;

    /**
     * Wraps a stream.
     *
     * @param in the stream to read
     * @param listener progress receiver
     * @param path the artifact path reported to the listener
     * @param total the expected size, or -1
     */
    public HashingInputStream(InputStream in, ProgressListener listener, String path, long total) {
        super(in);
        this.listener = listener;
        this.path = path;
        this.total = total;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    protected void afterRead(byte[] b, int off, int n) {
        digest.update(b, off, n);
        if (count() - lastReported >= REPORT_EVERY || count() == total) {
            lastReported = count();
            Listeners.progressed(listener, path, count(), total);
        }
    }

    /**
     * The SHA-256 of the bytes read so far, hex. Call once, at the end.
     *
     * @return lower-case hex
     */
    public String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
