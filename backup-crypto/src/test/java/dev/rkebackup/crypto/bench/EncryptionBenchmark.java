package dev.rkebackup.crypto.bench;

import dev.rkebackup.core.Secret;
import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.crypto.Credential;
import dev.rkebackup.crypto.KeyEncryptionKey;
import dev.rkebackup.crypto.RepositoryKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One backup job as the CLI runs it, in its own JVM: open the store, (unlock the repository with the password:
 * Argon2id included), stream the file into a new set, commit, then verify the set by reading it back (every tag
 * checked when encrypted). Run by {@code scripts/bench-core.sh} and {@code backup-s3/bench/run.sh}, which time the
 * whole process, plaintext and encrypted side by side. Not a test: the build never runs it.
 *
 * <p>Usage: {@code init STORE_URI PASSWORD_FILE [SEGMENT_BYTES]} once, then
 * {@code backup plain|encrypted STORE_URI FILE PASSWORD_FILE}.
 */
public final class EncryptionBenchmark {
    private EncryptionBenchmark() {
    }

    /**
     * Runs one step.
     *
     * @param args see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("init")) {
            try (ObjectStore store = ObjectStores.open(args[1])) {
                int seg = args.length > 3 ? Integer.parseInt(args[3]) : RepositoryKeys.DEFAULT_SEGMENT_SIZE;
                RepositoryKeys.of(store).init(List.of(KeyEncryptionKey.password(password(args[2]))), seg);
            }
            return;
        }
        boolean encrypted = args[1].equals("encrypted");
        Path file = Path.of(args[3]);
        long size = Files.size(file);
        long start = System.nanoTime();
        try (ObjectStore store = ObjectStores.open(args[2])) {
            BackupRepository repo = encrypted
                    ? RepositoryKeys.of(store).repository(RepositoryKeys.of(store)
                            .unlock(Credential.password(password(args[4])))).build()
                    : BackupRepository.create(store);
            Manifest m;
            try (BackupSetWriter w = repo.newSet(SetMetadata.of("bench"));
                 InputStream in = Files.newInputStream(file)) {
                w.add("snapshots/snapshot.db", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local(file.toString()),
                        in, size);
                m = w.commit();
            }
            var report = repo.verify(m.setId());
            if (!report.ok()) {
                throw new IllegalStateException("the set did not verify: " + report.problems());
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("job %s %.3f %s maxHeapMiB=%d%n", args[1], secs, m.artifacts().get(0).sha256(),
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static Secret password(String file) throws java.io.IOException {
        return Secret.of(Files.readString(Path.of(file)).strip());
    }
}
