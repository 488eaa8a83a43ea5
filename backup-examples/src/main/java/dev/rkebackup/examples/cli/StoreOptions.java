package dev.rkebackup.examples.cli;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import picocli.CommandLine.Option;

/** The {@code --store URI} option shared by the commands that read or write backup sets. */
final class StoreOptions {
    @Option(names = "--store", required = true, paramLabel = "URI",
            description = "Where backup sets live: file:///abs/path, file:relative/path, a plain path, or "
                    + "s3://bucket/prefix?endpoint=https://host:port&region=R&path-style=true "
                    + "(credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS default chain), "
                    + "sftp://user@host:port/abs/path?known-hosts=F&identity=KEY (or the SSH agent), or "
                    + "azure://account/container/prefix?endpoint=URL (AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN or "
                    + "AZURE_STORAGE_CONNECTION_STRING).")
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
}
