package dev.rkebackup.crypto.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Small byte helpers: random values, base64, and the length-prefixed encoding of associated data. */
public final class Bytes {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Bytes() {
    }

    /**
     * Random bytes from the platform's CSPRNG.
     *
     * @param n how many
     * @return the bytes
     */
    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * A random lower-case hex id.
     *
     * @param bytes how many random bytes
     * @return twice as many hex digits
     */
    public static String randomHex(int bytes) {
        return HexFormat.of().formatHex(random(bytes));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }

    /**
     * Associated data: each part as UTF-8, preceded by its length as a 4-byte big-endian integer. Unambiguous for any
     * part, so no two different tuples give the same bytes.
     *
     * @param parts the parts, the first one naming the purpose
     * @return the encoded bytes
     */
    public static byte[] tuple(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : parts) {
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
