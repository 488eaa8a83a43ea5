package dev.rkebackup.crypto.internal;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import dev.rkebackup.core.crypto.AuthenticationException;
import dev.rkebackup.core.crypto.SetCipher;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;

/**
 * One set's artifacts through Tink's AES-GCM-HKDF streaming AEAD (HKDF-SHA256, AES-256, the repository's segment
 * size, no first-segment offset) under the set's random data key, with
 * {@code tuple("rke-backup-artifact-v1", repositoryId, setId, path)} as associated data.
 */
public final class StreamingSetCipher implements SetCipher {
    /** Size of a set's data key (the HKDF input key material) in bytes. */
    public static final int DATA_KEY_SIZE = 32;

    private final byte[] dataKey;
    private final String repositoryId;
    private final String setId;
    private final AesGcmHkdfStreaming aead;

    StreamingSetCipher(byte[] dataKey, String repositoryId, String setId, int segmentSize) {
        this.dataKey = dataKey.clone();
        this.repositoryId = repositoryId;
        this.setId = setId;
        try {
            this.aead = new AesGcmHkdfStreaming(this.dataKey, "HmacSha256", 32, segmentSize, 0);
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalArgumentException("unusable streaming AEAD parameters: " + e.getMessage(), e);
        }
    }

    byte[] dataKey() {
        return dataKey.clone();
    }

    String setId() {
        return setId;
    }

    byte[] aad(String path) {
        return Bytes.tuple("rke-backup-artifact-v1", repositoryId, setId, path);
    }

    @Override
    public long storedSize(long plaintextSize) {
        return aead.expectedCiphertextSize(plaintextSize);
    }

    @Override
    public InputStream encrypt(InputStream plaintext, String path, long plaintextSize) {
        try {
            return new EncryptingInputStream(plaintext, aead, aad(path), plaintextSize);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot start encrypting " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream decrypt(InputStream stored, String path) {
        TrackingInputStream raw = new TrackingInputStream(stored);
        try {
            return new AuthenticatingInputStream(aead.newDecryptingStream(raw, aad(path)), raw, setId, path);
        } catch (GeneralSecurityException | IOException e) {
            throw new UncheckedIOException(new IOException("cannot start decrypting " + path, e));
        }
    }

    /** Decrypts small in-memory ciphertext (the manifest). */
    byte[] decryptAll(byte[] ciphertext, String path) throws IOException {
        try (InputStream in = decrypt(new java.io.ByteArrayInputStream(ciphertext), path)) {
            return in.readAllBytes();
        }
    }

    /** Encrypts small in-memory plaintext (the manifest). */
    byte[] encryptAll(byte[] plaintext, String path) {
        try (InputStream in = encrypt(new java.io.ByteArrayInputStream(plaintext), path, plaintext.length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void destroy() {
        Arrays.fill(dataKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "StreamingSetCipher[set=" + setId + ", key=********]";
    }

    /** Remembers whether the store's own stream failed, to tell store errors from authentication failures. */
    private static final class TrackingInputStream extends FilterInputStream {
        volatile boolean failed;

        TrackingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** Turns Tink's failures into {@link AuthenticationException}-caused IOExceptions that name the artifact. */
    private static final class AuthenticatingInputStream extends FilterInputStream {
        private final TrackingInputStream raw;
        private final String setId;
        private final String path;

        AuthenticatingInputStream(InputStream in, TrackingInputStream raw, String setId, String path) {
            super(in);
            this.raw = raw;
            this.setId = setId;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw translate(e);
            }
        }

        @Override
        public long skip(long n) {
            return 0;
        }

        private IOException translate(IOException e) {
            if (raw.failed) {
                return e;
            }
            String msg = "artifact " + path + " of set " + setId + " failed authentication (modified, truncated,"
                    + " renamed, or copied from another set or repository); do not restore from it";
            return new AuthenticationFailure(msg, new AuthenticationException(msg, e));
        }
    }

    /** An {@link IOException} whose cause is the {@link AuthenticationException}. */
    static final class AuthenticationFailure extends IOException {
        private static final long serialVersionUID = 1L;

        AuthenticationFailure(String message, AuthenticationException cause) {
            super(message, cause);
        }
    }
}
