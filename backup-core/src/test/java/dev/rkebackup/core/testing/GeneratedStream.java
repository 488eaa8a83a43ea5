package dev.rkebackup.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic pseudo-random stream of a given length, generated on the fly so that tests can move hundreds of
 * MiB without holding them in memory. The same seed and length always give the same bytes; {@link #sha256(long, long)}
 * computes their digest without a store in between.
 */
public final class GeneratedStream extends InputStream {
    private final long length;
    private long position;
    private long state;
    private final long failAfter;

    private GeneratedStream(long seed, long length, long failAfter) {
        this.length = length;
        this.state = seed * 0x9E3779B97F4A7C15L + 1;
        this.failAfter = failAfter;
    }

    /**
     * A stream of {@code length} bytes from {@code seed}.
     *
     * @param seed selects the content
     * @param length the number of bytes
     * @return the stream
     */
    public static GeneratedStream of(long seed, long length) {
        return new GeneratedStream(seed, length, -1);
    }

    /**
     * A stream that throws an {@link IOException} once {@code failAfter} bytes were read, as a disk or network that
     * fails mid-transfer.
     *
     * @param seed selects the content
     * @param length the number of bytes it claims to have
     * @param failAfter how many bytes it yields before failing
     * @return the stream
     */
    public static GeneratedStream failingAfter(long seed, long length, long failAfter) {
        return new GeneratedStream(seed, length, failAfter);
    }

    /**
     * The SHA-256 (lower-case hex) of {@code of(seed, length)}.
     *
     * @param seed selects the content
     * @param length the number of bytes
     * @return the hex digest
     */
    public static String sha256(long seed, long length) {
        try (GeneratedStream in = of(seed, length)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (failAfter >= 0 && position >= failAfter) {
            throw new IOException("simulated failure after " + failAfter + " bytes");
        }
        if (position >= length) {
            return -1;
        }
        long limit = length;
        if (failAfter >= 0) {
            limit = Math.min(limit, failAfter);
        }
        int n = (int) Math.min(len, limit - position);
        if (n == 0) {
            throw new IOException("simulated failure after " + failAfter + " bytes");
        }
        for (int i = 0; i < n; i++) {
            if (((position + i) & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            b[off + i] = (byte) (state >>> (((position + i) & 7) * 8));
        }
        position += n;
        return n;
    }
}
