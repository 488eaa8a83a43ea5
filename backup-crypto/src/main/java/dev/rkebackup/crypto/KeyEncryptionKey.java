package dev.rkebackup.crypto;

import dev.rkebackup.core.Secret;
import dev.rkebackup.crypto.internal.AgeFiles;
import java.util.Objects;

/** A key-encryption key: something the repository's master key is wrapped with, one key object each. */
public sealed interface KeyEncryptionKey {
    /**
     * A password; the wrapping key is derived with Argon2id.
     *
     * @param password the password
     * @return the KEK
     */
    static KeyEncryptionKey password(Secret password) {
        return new Password(password);
    }

    /**
     * An age X25519 recipient; the key object is a standard age file that {@code age -d -i identity} decrypts.
     *
     * @param recipient {@code age1...}
     * @return the KEK
     * @throws dev.rkebackup.core.InvalidInputException if it is not an X25519 recipient
     */
    static KeyEncryptionKey ageRecipient(String recipient) {
        return new AgeRecipient(recipient);
    }

    /**
     * A password KEK.
     *
     * @param password the password, not empty
     */
    record Password(Secret password) implements KeyEncryptionKey {
        /** Checks the password. */
        public Password {
            Objects.requireNonNull(password, "password");
            if (password.isEmpty()) {
                throw new dev.rkebackup.core.InvalidInputException("the password is empty; give a non-empty one");
            }
        }
    }

    /**
     * An age X25519 recipient KEK.
     *
     * @param recipient {@code age1...}
     */
    record AgeRecipient(String recipient) implements KeyEncryptionKey {
        /** Checks the recipient. */
        public AgeRecipient {
            recipient = AgeFiles.requireRecipient(Objects.requireNonNull(recipient, "recipient"));
        }
    }
}
