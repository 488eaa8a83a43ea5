package dev.rkebackup.examples.cli;

import java.util.List;

import dev.rkebackup.core.repository.Manifest;

import dev.rkebackup.core.ObjectNotFoundException;

import dev.rkebackup.core.InvalidInputException;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import picocli.CommandLine.Option;

/** The {@code --store URI} option shared by the commands that read or write backup sets. */
final class StoreOptions {
    @Option(names = "--store", required = true, paramLabel = "URI",
            description = "Where backup sets live: file:///abs/path, file:relative/path, a plain path, or "
                    + "s3://bucket/prefix?endpoint=https://host:port&region=R&path-style=true "
                    + "(credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS default chain).")
    String store;

    ObjectStore open() {
        return ObjectStores.open(store);
    }

    static BackupRepository repository(ObjectStore store) {
        return BackupRepository.create(store);
    }

    static BackupRepository repository(ObjectStore store, dev.rkebackup.core.ProgressListener listener) {
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
