/**
 * Encrypted, authenticated repositories for {@link dev.rkebackup.core.repository.BackupRepository}.
 *
 * <p>{@link dev.rkebackup.crypto.RepositoryKeys} creates a repository in a store ({@code init}), unlocks it with a
 * {@link dev.rkebackup.crypto.Credential} and manages its key-encryption keys; the {@link
 * dev.rkebackup.crypto.UnlockedKey} it returns is given to {@code BackupRepository.Builder.cipher}.
 *
 * <pre>{@code
 * RepositoryKeys keys = RepositoryKeys.of(store);
 * UnlockedKey key = keys.exists()
 *         ? keys.unlock(Credential.password(Secret.of(pw)))
 *         : keys.init(List.of(KeyEncryptionKey.password(Secret.of(pw)), KeyEncryptionKey.ageRecipient("age1...")));
 * BackupRepository repo = BackupRepository.builder(store).cipher(key).build();
 * }</pre>
 *
 * <p>Libraries: Google Tink (streaming AEAD, AES-GCM), BouncyCastle (Argon2id), jagged (age). The stored format is
 * documented in {@code docs/encryption-format.md}. Classes under {@code .internal} are not a published API.
 */
package dev.rkebackup.crypto;
