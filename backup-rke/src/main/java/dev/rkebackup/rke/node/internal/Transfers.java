package dev.rkebackup.rke.node.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Streaming helpers shared by the node access implementations. Not part of the public API. */
public final class Transfers {
    /** Copy buffer size; 32 KiB matches the SFTP read/write packet size well. */
    public static final int BUFFER = 32 * 1024;

    private Transfers() {
    }

    /**
     * A new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * Lowercase hex of a digest.
     *
     * @param digest the digest bytes
     * @return hex text
     */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * Hashes a whole stream.
     *
     * @param in the stream; not closed
     * @return lowercase hex SHA-256
     * @throws IOException if reading fails
     */
    public static String sha256Hex(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
        }
        return hex(md.digest());
    }

    /**
     * Copies exactly {@code length} bytes, hashing them on the way.
     *
     * @param in source; not closed
     * @param out target; not closed
     * @param length the exact number of bytes the source must hold
     * @param md digest updated with every byte copied
     * @throws IOException if reading or writing fails
     * @throws LengthMismatchException if the source holds fewer or more bytes than {@code length}
     */
    public static void copyExactly(InputStream in, OutputStream out, long length, MessageDigest md)
            throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        while (total < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - total));
            if (n < 0) {
                throw new LengthMismatchException("the content ended after " + total + " of " + length + " bytes");
            }
            md.update(buf, 0, n);
            out.write(buf, 0, n);
            total += n;
        }
        if (in.read() >= 0) {
            throw new LengthMismatchException("the content has more than the declared " + length + " bytes");
        }
    }

    /** The content given to a write did not hold the declared number of bytes. */
    public static final class LengthMismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the failure.
         *
         * @param message what did not match
         */
        public LengthMismatchException(String message) {
            super(message);
        }
    }

    /**
     * Tells whether an exception chain says the disk is full (ENOSPC or an SFTP failure saying so).
     *
     * @param t the failure
     * @return true for "no space left"
     */
    public static boolean isNoSpace(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk full") || m.contains("out of disk space")
                    || m.contains("quota exceeded")) {
                return true;
            }
        }
        return false;
    }
}
