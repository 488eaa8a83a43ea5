package dev.rkebackup.crypto.internal;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.crypto.AuthenticationException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The stored objects of an encrypted repository (see {@code docs/encryption-format.md}): the repository config, the
 * key objects (password: JSON; age: a standard age file) and their parsing, with every check that tells a damaged,
 * foreign or tampered object from a good one.
 */
public final class Formats {
    /** The {@code format} of the repository config. */
    public static final String CONFIG_FORMAT = "rke-backup-repository";
    /** The {@code format} of a password key object. */
    public static final String KEY_FORMAT = "rke-backup-key";
    /** The {@code format} of the JSON inside an age key object. */
    public static final String AGE_PLAIN_FORMAT = "rke-backup-master-key";
    /** Version of every format above. */
    public static final int VERSION = 1;
    /** Largest config or key object read. */
    public static final int MAX_OBJECT_BYTES = 64 << 10;

    private static final String FIX_CONFIG = "restore the repository config from a copy of the store; it holds no"
            + " secret, but every set needs it";
    private static final String FIX_KEY = "remove it (rke-backup key remove ID) and add the key again";

    private Formats() {
    }

    /**
     * The parsed repository config.
     *
     * @param repositoryId the id
     * @param createdAt when it was created (as stored)
     * @param segmentSize Tink ciphertext segment size
     * @param mac the stored MAC
     */
    public record Config(String repositoryId, String createdAt, int segmentSize, byte[] mac) {
        /**
         * The scheme's short name.
         *
         * @return {@code tink-aes256-gcm-hkdf-4kb} and the like
         */
        public String scheme() {
            return schemeName(segmentSize);
        }

        byte[] macInput() {
            return Bytes.tuple("rke-backup-repository-v1", repositoryId, createdAt, "AES256_GCM_HKDF_SHA256",
                    Integer.toString(segmentSize));
        }
    }

    static String schemeName(int segmentSize) {
        String size = segmentSize % (1 << 20) == 0 ? (segmentSize >> 20) + "mb"
                : segmentSize % 1024 == 0 ? (segmentSize >> 10) + "kb" : segmentSize + "b";
        return "tink-aes256-gcm-hkdf-" + size;
    }

    /**
     * Writes a config.
     *
     * @param repositoryId the id
     * @param createdAt creation time
     * @param segmentSize Tink ciphertext segment size
     * @param master the master key that MACs it
     * @return the JSON bytes
     */
    public static byte[] writeConfig(String repositoryId, Instant createdAt, int segmentSize, MasterKey master) {
        Config c = new Config(repositoryId, createdAt.toString(), segmentSize, new byte[0]);
        ObjectNode n = Json.object();
        n.put("format", CONFIG_FORMAT);
        n.put("version", VERSION);
        n.put("repositoryId", repositoryId);
        n.put("createdAt", c.createdAt());
        ObjectNode e = n.putObject("encryption");
        e.put("scheme", c.scheme());
        e.put("primitive", "AES256_GCM_HKDF streaming AEAD (Google Tink)");
        e.put("hkdfHash", "SHA256");
        e.put("derivedKeySize", 32);
        e.put("ciphertextSegmentSize", segmentSize);
        e.put("firstSegmentOffset", 0);
        n.put("mac", Bytes.b64(master.mac(c.macInput())));
        return Json.bytes(n);
    }

    /**
     * Parses a config (not yet authenticated: call {@link #authenticate}).
     *
     * @param bytes the stored object
     * @param where its key
     * @return the config
     */
    public static Config readConfig(byte[] bytes, String where) {
        if (bytes.length > MAX_OBJECT_BYTES) {
            throw new IntegrityException("repository config " + where + " is too large; " + FIX_CONFIG);
        }
        Json j = Json.parse(bytes, "repository config " + where, CONFIG_FORMAT, VERSION, FIX_CONFIG);
        String id = j.text("repositoryId");
        String created = j.text("createdAt");
        Json e = j.child("encryption");
        int seg = e.integer("ciphertextSegmentSize");
        if (e.integer("derivedKeySize") != 32 || e.integer("firstSegmentOffset") != 0 || seg < 256 || seg > (8 << 20)) {
            throw new IntegrityException("repository config " + where + " names encryption parameters this"
                    + " rke-backup does not write; " + FIX_CONFIG);
        }
        return new Config(id, created, seg, j.base64("mac"));
    }

    /**
     * Checks the config's MAC under the master key.
     *
     * @param c the config
     * @param master the unlocked master key
     * @param where its key
     * @throws AuthenticationException if it was modified or belongs to another repository
     */
    public static void authenticate(Config c, MasterKey master, String where) {
        if (!master.macMatches(c.macInput(), c.mac())) {
            throw new AuthenticationException("repository config " + where + " failed authentication: it was"
                    + " modified or comes from another repository; " + FIX_CONFIG);
        }
    }

    /**
     * A parsed password key object.
     *
     * @param keyId its id
     * @param repositoryId the repository it claims to belong to
     * @param createdAt creation time
     * @param kdf the Argon2id parameters
     * @param wrapped the wrapped master key
     */
    public record PasswordKey(String keyId, String repositoryId, Instant createdAt, PasswordKdf kdf, byte[] wrapped) {
        /**
         * Derives the key-encryption key and unwraps the master key.
         *
         * @param password the password
         * @return the master key's bytes
         * @throws GeneralSecurityException if the password is wrong (or the object was tampered with)
         */
        public byte[] unwrap(Secret password) throws GeneralSecurityException {
            byte[] kek = kdf.derive(password);
            try {
                return new com.google.crypto.tink.subtle.AesGcmJce(kek).decrypt(wrapped, aad(repositoryId, keyId));
            } finally {
                java.util.Arrays.fill(kek, (byte) 0);
            }
        }
    }

    static byte[] aad(String repositoryId, String keyId) {
        return Bytes.tuple("rke-backup-key-v1", repositoryId, keyId);
    }

    /**
     * Writes a password key object.
     *
     * @param repositoryId the repository
     * @param keyId the key's id
     * @param createdAt creation time
     * @param password the password
     * @param master the master key to wrap
     * @return the JSON bytes
     */
    public static byte[] writePasswordKey(String repositoryId, String keyId, Instant createdAt, Secret password,
            MasterKey master) {
        PasswordKdf kdf = PasswordKdf.fresh();
        byte[] kek = kdf.derive(password);
        byte[] wrapped;
        try {
            wrapped = new com.google.crypto.tink.subtle.AesGcmJce(kek).encrypt(master.bytes(),
                    aad(repositoryId, keyId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        } finally {
            java.util.Arrays.fill(kek, (byte) 0);
        }
        ObjectNode n = Json.object();
        n.put("format", KEY_FORMAT);
        n.put("version", VERSION);
        n.put("keyId", keyId);
        n.put("repositoryId", repositoryId);
        n.put("type", "password");
        n.put("createdAt", createdAt.toString());
        ObjectNode k = n.putObject("kdf");
        k.put("algorithm", "argon2id");
        k.put("argon2Version", 19);
        k.put("memoryKiB", kdf.memoryKiB());
        k.put("iterations", kdf.iterations());
        k.put("parallelism", kdf.parallelism());
        k.put("salt", Bytes.b64(kdf.salt()));
        n.put("wrapping", "AES256-GCM (12-byte nonce | ciphertext | 16-byte tag)");
        n.put("wrappedMasterKey", Bytes.b64(wrapped));
        return Json.bytes(n);
    }

    /**
     * Parses a password key object.
     *
     * @param bytes the stored object
     * @param where its key
     * @param expectedKeyId the id taken from its name
     * @return the key
     */
    public static PasswordKey readPasswordKey(byte[] bytes, String where, String expectedKeyId) {
        String what = "key object " + where;
        if (bytes.length > MAX_OBJECT_BYTES) {
            throw new IntegrityException(what + " is too large; " + FIX_KEY);
        }
        Json j = Json.parse(bytes, what, KEY_FORMAT, VERSION, FIX_KEY);
        String keyId = j.text("keyId");
        if (!keyId.equals(expectedKeyId)) {
            throw new IntegrityException(what + " names key " + keyId + "; it was renamed or copied; " + FIX_KEY);
        }
        if (!"password".equals(j.text("type"))) {
            throw new IntegrityException(what + " is not a password key; " + FIX_KEY);
        }
        Json k = j.child("kdf");
        if (!"argon2id".equals(k.text("algorithm")) || k.integer("argon2Version") != 19) {
            throw new IntegrityException(what + " uses a key derivation this rke-backup does not know; " + FIX_KEY);
        }
        PasswordKdf kdf;
        try {
            kdf = new PasswordKdf(k.integer("memoryKiB"), k.integer("iterations"), k.integer("parallelism"),
                    k.base64("salt"));
        } catch (IllegalArgumentException e) {
            throw new IntegrityException(what + ": " + e.getMessage() + "; " + FIX_KEY);
        }
        return new PasswordKey(keyId, j.text("repositoryId"), instant(j, "createdAt", what), kdf,
                j.base64("wrappedMasterKey"));
    }

    /**
     * Writes an age key object: a standard age file for one X25519 recipient.
     *
     * @param repositoryId the repository
     * @param keyId the key's id
     * @param createdAt creation time
     * @param recipient the recipient
     * @param master the master key
     * @return the age file
     */
    public static byte[] writeAgeKey(String repositoryId, String keyId, Instant createdAt, String recipient,
            MasterKey master) {
        ObjectNode n = Json.object();
        n.put("format", AGE_PLAIN_FORMAT);
        n.put("version", VERSION);
        n.put("keyId", keyId);
        n.put("repositoryId", repositoryId);
        n.put("createdAt", createdAt.toString());
        n.put("masterKey", Bytes.b64(master.bytes()));
        return AgeFiles.encrypt(Json.bytes(n), recipient);
    }

    /**
     * A decrypted age key object.
     *
     * @param keyId its id
     * @param repositoryId the repository it belongs to
     * @param master the master key's bytes
     */
    public record AgeKey(String keyId, String repositoryId, byte[] master) {
    }

    /**
     * Decrypts an age key object.
     *
     * @param file the stored age file
     * @param where its key
     * @param expectedKeyId the id taken from its name
     * @param identities the identity file
     * @return the key, or {@code null} when no identity matches
     * @throws IntegrityException if the file decrypts but its content is not a key of this format
     */
    public static AgeKey readAgeKey(byte[] file, String where, String expectedKeyId, Secret identities) {
        List<RecipientStanzaReader> readers = AgeFiles.readers(identities);
        byte[] plain;
        try {
            plain = AgeFiles.decrypt(file, readers, MAX_OBJECT_BYTES);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            return null;
        }
        String what = "age key object " + where;
        Json j = Json.parse(plain, what, AGE_PLAIN_FORMAT, VERSION, FIX_KEY);
        String keyId = j.text("keyId");
        if (!keyId.equals(expectedKeyId)) {
            throw new IntegrityException(what + " names key " + keyId + "; it was renamed or copied; " + FIX_KEY);
        }
        byte[] mk = j.base64("masterKey");
        if (mk.length != MasterKey.SIZE) {
            throw new IntegrityException(what + " holds no master key; " + FIX_KEY);
        }
        return new AgeKey(keyId, j.text("repositoryId"), mk);
    }

    static Instant instant(Json j, String field, String what) {
        try {
            return Instant.parse(j.text(field));
        } catch (DateTimeParseException e) {
            throw new IntegrityException(what + " has an invalid " + field);
        }
    }
}
