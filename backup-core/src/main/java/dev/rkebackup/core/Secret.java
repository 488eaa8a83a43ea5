package dev.rkebackup.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A password, key or token that must never reach a log line, an exception message or {@code toString()}.
 *
 * <p>{@link #toString()} always returns {@value #REDACTED}. The value comes out only through
 * {@link #reveal()}, a name that is easy to find with grep when auditing where secrets go.
 * Records that hold a {@code Secret} are therefore safe to print.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * Secret key = Secret.of(System.getenv("AWS_SECRET_ACCESS_KEY"));
 * log.info("using {}", key);           // prints ********
 * client.login(key.reveal());          // the only way out
 * }</pre>
 */
public final class Secret {
    /** What {@link #toString()} returns for every secret. */
    public static final String REDACTED = "********";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret; not null (use {@link #isEmpty()} for "no secret")
     * @return the wrapped value
     * @throws NullPointerException if {@code value} is null
     */
    public static Secret of(String value) {
        if (value == null) {
            throw new NullPointerException("secret value must not be null");
        }
        return new Secret(value);
    }

    /**
     * Returns the secret in clear. Call it only where the value is handed to the system that needs it.
     *
     * @return the secret value
     */
    public String reveal() {
        return value;
    }

    /**
     * Tells whether the secret is the empty string.
     *
     * @return true when the value is empty
     */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Compares in constant time, so equality checks do not leak the value through timing. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a real hash would leak information about the value; secrets are rarely map keys
    }

    /** Returns {@value #REDACTED}, never the value. */
    @Override
    public String toString() {
        return REDACTED;
    }
}
