package dev.rkebackup.s3.support;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic pseudo-random content of any length, generated on the fly (no memory, no disk). */
public final class TestData {
    private TestData() {
    }

    /**
     * A stream of {@code length} bytes that depends only on {@code seed}.
     *
     * @param length the number of bytes
     * @param seed selects the content
     * @return the stream
     */
    public static InputStream stream(long length, long seed) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private long left = length;
            private long word;
            private int wordBytes;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    if (wordBytes == 0) {
                        word = random.nextLong();
                        wordBytes = 8;
                    }
                    b[off + i] = (byte) word;
                    word >>>= 8;
                    wordBytes--;
                }
                left -= n;
                return n;
            }
        };
    }

    /**
     * Hashes a stream to its end and closes it.
     *
     * @param in the stream
     * @return the SHA-256 in lower-case hex
     */
    public static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
