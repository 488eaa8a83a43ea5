package dev.rkebackup.core.crypto;

import java.util.Objects;

/**
 * A manifest that was authenticated and decrypted, with the cipher of its set.
 *
 * @param json the plaintext manifest JSON
 * @param set the set's cipher
 */
public record OpenedManifest(byte[] json, SetCipher set) {
    /** Checks the fields. */
    public OpenedManifest {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(set, "set");
    }
}
