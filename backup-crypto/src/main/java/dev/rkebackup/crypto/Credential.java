package dev.rkebackup.crypto;

import dev.rkebackup.core.Secret;
import java.util.Objects;

/** What unlocks a repository: a password or an age identity. */
public sealed interface Credential {
    /**
     * A password.
     *
     * @param password the password
     * @return the credential
     */
    static Credential password(Secret password) {
        return new Password(password);
    }

    /**
     * The text of an age identity file ({@code AGE-SECRET-KEY-1...} lines, as written by {@code age-keygen}).
     *
     * @param identityFile the file's text
     * @return the credential
     */
    static Credential ageIdentity(Secret identityFile) {
        return new AgeIdentity(identityFile);
    }

    /**
     * A password credential.
     *
     * @param password the password
     */
    record Password(Secret password) implements Credential {
        /** Checks the field. */
        public Password {
            Objects.requireNonNull(password, "password");
        }
    }

    /**
     * An age identity credential.
     *
     * @param identityFile the identity file's text
     */
    record AgeIdentity(Secret identityFile) implements Credential {
        /** Checks the field. */
        public AgeIdentity {
            Objects.requireNonNull(identityFile, "identityFile");
        }
    }
}
