/**
 * The cipher SPI through which {@link dev.rkebackup.core.repository.BackupRepository} encrypts and authenticates
 * backup sets. Core holds only the interfaces; the implementation (Google Tink streaming AEAD, password and age key
 * encryption keys) lives in the {@code backup-crypto} module, so core keeps depending on slf4j and Jackson only.
 *
 * <p>An encrypted repository is recognised by its config object {@link RepositoryCipher#CONFIG_NAME} under the
 * repository prefix. A repository without one holds plaintext sets ("not encrypted, not authenticated"); a
 * repository with one can be read and written only with an unlocked {@link RepositoryCipher}.
 */
package dev.rkebackup.core.crypto;
