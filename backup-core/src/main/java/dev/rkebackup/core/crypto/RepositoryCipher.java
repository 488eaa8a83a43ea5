package dev.rkebackup.core.crypto;

import java.time.Instant;

/**
 * An unlocked repository key: encrypts and authenticates the sets of one encrypted repository. Implementations are
 * immutable and thread-safe and never reveal key material through {@code toString}.
 *
 * <p>The repository calls {@link #newSet} for each new set, streams every artifact through the returned
 * {@link SetCipher}, and stores the manifest as {@link #sealManifest}'s output. Reading goes the other way:
 * {@link #openManifest} authenticates and decrypts the stored manifest and hands back the set's cipher.
 */
public interface RepositoryCipher {
    /** The name of the repository config object, directly under the repository prefix. */
    String CONFIG_NAME = "rke-backup-repository.json";

    /**
     * The id of the repository this key belongs to (bound into every object's associated data).
     *
     * @return the repository id
     */
    String repositoryId();

    /**
     * A short name of the encryption scheme, for messages and JSON.
     *
     * @return for example {@code tink-aes256-gcm-hkdf-4kb}
     */
    String scheme();

    /**
     * Creates the cipher of a new set, with a fresh random data key.
     *
     * @param setId the new set's id
     * @return the set's cipher
     */
    SetCipher newSet(String setId);

    /**
     * Encrypts and authenticates a set's manifest. What stays readable (set id, creation time, the wrapped data key)
     * is covered by a MAC under the master key.
     *
     * @param setId the set
     * @param createdAt the set's creation time
     * @param set the set's cipher, from {@link #newSet}
     * @param manifestJson the plaintext manifest
     * @return the bytes to store as the set's manifest object
     */
    byte[] sealManifest(String setId, Instant createdAt, SetCipher set, byte[] manifestJson);

    /**
     * Authenticates and decrypts a stored manifest.
     *
     * @param setId the set the manifest was found under
     * @param stored the stored manifest object
     * @return the plaintext manifest and the set's cipher
     * @throws AuthenticationException if the manifest was modified, re-dated, moved from another set or written
     *     without this repository's key
     * @throws dev.rkebackup.core.IntegrityException if it is not a sealed manifest at all
     */
    OpenedManifest openManifest(String setId, byte[] stored);
}
