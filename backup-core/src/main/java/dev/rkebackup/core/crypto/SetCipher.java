package dev.rkebackup.core.crypto;

import java.io.InputStream;

/**
 * Encrypts and decrypts the artifacts of one set, streaming: memory use does not grow with the artifact's size.
 * The artifact's path is bound into each object as associated data, so an object renamed, moved to another set or
 * swapped with another fails authentication.
 */
public interface SetCipher {
    /**
     * How many bytes the stored (encrypted) object of a plaintext of the given size has.
     *
     * @param plaintextSize the artifact's size
     * @return the stored object's size
     */
    long storedSize(long plaintextSize);

    /**
     * Wraps a plaintext stream into a stream of the bytes to store. The returned stream fails with an
     * {@link java.io.IOException} when the plaintext has more or fewer than {@code plaintextSize} bytes. Closing it
     * closes {@code plaintext}.
     *
     * @param plaintext the artifact's bytes
     * @param path the artifact's path in the set
     * @param plaintextSize the exact number of bytes {@code plaintext} yields
     * @return the stored bytes, {@link #storedSize(long)} of them
     */
    InputStream encrypt(InputStream plaintext, String path, long plaintextSize);

    /**
     * Wraps a stored object's stream into a stream of its plaintext. A read fails with an
     * {@link java.io.IOException} whose cause is an {@link AuthenticationException} as soon as a segment does not
     * authenticate (modified, truncated, reordered, or from another object). Closing it closes {@code stored}.
     *
     * @param stored the stored object's bytes
     * @param path the artifact's path in the set
     * @return the plaintext
     */
    InputStream decrypt(InputStream stored, String path);
}
