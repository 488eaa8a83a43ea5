package dev.rkebackup.crypto.internal;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A repository's 32-byte master key. Two sub-keys are derived from it with HKDF-SHA256 (salt: the repository id):
 * the wrapping key (AES-256-GCM, wraps each set's data key) and the MAC key (HMAC-SHA256 over what stays readable).
 */
public final class MasterKey {
    /** Size of the master key in bytes. */
    public static final int SIZE = 32;

    private final byte[] key;
    private final byte[] wrapKey;
    private final byte[] macKey;

    private MasterKey(byte[] key, String repositoryId) {
        if (key.length != SIZE) {
            throw new IllegalArgumentException("a master key has " + SIZE + " bytes");
        }
        this.key = key.clone();
        byte[] salt = repositoryId.getBytes(StandardCharsets.UTF_8);
        try {
            this.wrapKey = Hkdf.computeHkdf("HMACSHA256", key, salt,
                    "rke-backup data-key wrapping v1".getBytes(StandardCharsets.UTF_8), 32);
            this.macKey = Hkdf.computeHkdf("HMACSHA256", key, salt,
                    "rke-backup readable-fields mac v1".getBytes(StandardCharsets.UTF_8), 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available", e);
        }
    }

    /**
     * A new random master key.
     *
     * @param repositoryId the repository it belongs to
     * @return the key
     */
    public static MasterKey generate(String repositoryId) {
        return new MasterKey(Bytes.random(SIZE), repositoryId);
    }

    /**
     * A master key read from a key object.
     *
     * @param key its 32 bytes
     * @param repositoryId the repository it belongs to
     * @return the key
     */
    public static MasterKey ofStored(byte[] key, String repositoryId) {
        return new MasterKey(key, repositoryId);
    }

    byte[] bytes() {
        return key.clone();
    }

    byte[] wrap(byte[] plaintext, byte[] aad) {
        try {
            return new AesGcmJce(wrapKey).encrypt(plaintext, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    byte[] unwrap(byte[] wrapped, byte[] aad) throws GeneralSecurityException {
        return new AesGcmJce(wrapKey).decrypt(wrapped, aad);
    }

    byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    boolean macMatches(byte[] data, byte[] expected) {
        return MessageDigest.isEqual(mac(data), expected);
    }

    /** Overwrites the key material held by this object. */
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(wrapKey, (byte) 0);
        Arrays.fill(macKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "MasterKey[********]";
    }
}
