package dev.rkebackup.crypto.internal;

import dev.rkebackup.core.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, version 0x13) from BouncyCastle, turning a password into a 32-byte key-encryption key. The
 * parameters are recorded in each password key object, so they can be raised later without breaking old keys.
 *
 * @param memoryKiB memory cost in KiB
 * @param iterations time cost
 * @param parallelism lanes
 * @param salt random salt, 16 bytes for new keys
 */
public record PasswordKdf(int memoryKiB, int iterations, int parallelism, byte[] salt) {
    /**
     * The defaults for new keys: the OWASP-recommended Argon2id setting (19 MiB, 2 passes, 1 lane), which also
     * fits a 64 MiB heap.
     */
    public static final int DEFAULT_MEMORY_KIB = 19 * 1024;
    /** Default time cost. */
    public static final int DEFAULT_ITERATIONS = 2;
    /** Limits accepted when reading a key object, so a planted key object cannot exhaust memory or time. */
    static final int MAX_MEMORY_KIB = 1024 * 1024;
    static final int MAX_ITERATIONS = 64;

    /** Checks the parameters. */
    public PasswordKdf {
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS
                || parallelism < 1 || parallelism > 16 || salt == null || salt.length < 8) {
            throw new IllegalArgumentException("Argon2id parameters out of range (memory " + memoryKiB
                    + " KiB, iterations " + iterations + ", parallelism " + parallelism + ")");
        }
        salt = salt.clone();
    }

    /**
     * Fresh parameters with a random salt.
     *
     * @return the parameters
     */
    public static PasswordKdf fresh() {
        return new PasswordKdf(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, 1, Bytes.random(16));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /**
     * Derives the key-encryption key.
     *
     * @param password the password (its UTF-8 bytes are the Argon2 input)
     * @return 32 bytes
     */
    public byte[] derive(Secret password) {
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(parallelism)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(p);
        byte[] pw = password.reveal().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[32];
        try {
            gen.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "argon2id m=" + memoryKiB + "KiB t=" + iterations + " p=" + parallelism;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordKdf k && k.memoryKiB == memoryKiB && k.iterations == iterations
                && k.parallelism == parallelism && Arrays.equals(k.salt, salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }
}
