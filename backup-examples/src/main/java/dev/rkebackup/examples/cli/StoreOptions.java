package dev.rkebackup.examples.cli;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.crypto.KeyRequiredException;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.crypto.Credential;
import dev.rkebackup.crypto.RepositoryKeys;
import dev.rkebackup.crypto.UnlockedKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --store URI} option shared by the commands that read or write backup sets, with the key of an
 * encrypted repository: {@code --age-identity F}, {@code --password-file F}, {@code RKE_BACKUP_PASSWORD_FILE} or
 * {@code RKE_BACKUP_PASSWORD} (a password is never taken from the command line).
 */
final class StoreOptions {
    @Option(names = "--store", required = true, paramLabel = "URI",
            description = "Where backup sets live: file:///abs/path, file:relative/path, a plain path, or "
                    + "s3://bucket/prefix?endpoint=https://host:port&region=R&path-style=true "
                    + "(credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS default chain), "
                    + "sftp://user@host:port/abs/path?known-hosts=F&identity=KEY (or the SSH agent), or "
                    + "azure://account/container/prefix?endpoint=URL (AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN or "
                    + "AZURE_STORAGE_CONNECTION_STRING).")
    String store;

    @Option(names = "--password-file", paramLabel = "F",
            description = "The repository password: the first line of file F (keep it 0600). Else "
                    + KeySources.PASSWORD_FILE_ENV + "=F, else " + KeySources.PASSWORD_ENV + ".")
    Path passwordFile;

    @Option(names = "--age-identity", paramLabel = "F",
            description = "Unlock the repository with an age identity file (age-keygen) instead of a password.")
    Path ageIdentity;

    ObjectStore open() {
        return ObjectStores.open(store);
    }

    /**
     * The key the user gave, if any.
     *
     * @return the credential
     */
    Optional<Credential> credential() {
        return KeySources.credential(passwordFile, ageIdentity);
    }

    /**
     * The repository on the store: unlocked when the store holds an encrypted repository (a key is then required),
     * plaintext otherwise (a key given for a plaintext store is refused, so a removed config cannot downgrade
     * writes).
     */
    BackupRepository repo(ObjectStore s, ProgressListener listener) {
        return repo(s, credential(), listener);
    }

    /** As {@link #repo(ObjectStore, ProgressListener)} with a given credential (copy has one per store). */
    static BackupRepository repo(ObjectStore s, Optional<Credential> cred, ProgressListener listener) {
        RepositoryKeys keys = RepositoryKeys.of(s);
        BackupRepository.Builder b;
        if (keys.exists()) {
            UnlockedKey key = keys.unlock(cred.orElseThrow(() -> new KeyRequiredException(s.describe()
                    + " is an encrypted repository; give its key: " + KeySources.WAYS)));
            b = keys.repository(key);
        } else {
            if (cred.isPresent()) {
                throw new KeyRequiredException(s.describe() + " is not an encrypted repository (it has no "
                        + dev.rkebackup.core.crypto.RepositoryCipher.CONFIG_NAME + "), but a key was given. Create"
                        + " one in an empty store with 'rke-backup init --store URI', or drop --password-file,"
                        + " --age-identity, " + KeySources.PASSWORD_FILE_ENV + " and " + KeySources.PASSWORD_ENV
                        + " to use this plaintext store");
            }
            b = BackupRepository.builder(s);
        }
        return b.listener(listener).build();
    }

    BackupRepository repo(ObjectStore s) {
        return repo(s, ProgressListener.NONE);
    }

    /**
     * A repository without a key: fine for plaintext stores; an encrypted one refuses every set operation with a
     * message that names the ways to give a key. Commands use {@link #repo}.
     */
    static BackupRepository repository(ObjectStore store) {
        return BackupRepository.create(store);
    }

    static BackupRepository repository(ObjectStore store, ProgressListener listener) {
        return BackupRepository.builder(store).listener(listener).build();
    }

    /**
     * Resolves {@code --set}: {@code latest} is the newest complete set; an id must name an existing set.
     *
     * @param repo the repository
     * @param wanted the option value
     * @return the set id
     * @throws InvalidInputException if no set has that id, or {@code latest} is asked and no complete set exists
     *     (like an unknown id: bad input, exit 2)
     */
    static String resolveSet(BackupRepository repo, String wanted) {
        if (wanted.equals("latest")) {
            List<Manifest> sets = repo.listSets();
            for (int i = sets.size() - 1; i >= 0; i--) {
                if (sets.get(i).complete()) {
                    return sets.get(i).setId();
                }
            }
            throw new InvalidInputException("--set latest: there is no complete backup set in "
                    + repo.store().describe() + "; take a backup first");
        }
        try {
            repo.manifest(wanted);
        } catch (ObjectNotFoundException e) {
            throw new InvalidInputException("--set " + wanted + ": there is no such backup set in "
                    + repo.store().describe() + "; `rke-backup list` shows the sets (or use --set latest)");
        }
        return wanted;
    }
}
