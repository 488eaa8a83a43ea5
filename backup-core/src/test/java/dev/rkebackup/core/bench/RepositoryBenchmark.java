package dev.rkebackup.core.bench;

import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams one large file through {@link BackupRepository} into a filesystem store (size + SHA-256 computed on the
 * way, temp file, fsync, atomic rename) and prints the time. Run by {@code scripts/bench-core.sh}, which times
 * {@code cp} and {@code sha256sum} on the same file in the same run. Not a test: the build never runs it.
 */
public final class RepositoryBenchmark {
    private RepositoryBenchmark() {
    }

    /**
     * Runs one timed store.
     *
     * @param args the input file and the store directory
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path storeDir = Path.of(args[1]);
        long size = Files.size(file);
        BackupRepository repo = BackupRepository.create(FileSystemObjectStore.create(storeDir));
        long start = System.nanoTime();
        String sha;
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("bench"));
             InputStream in = Files.newInputStream(file)) {
            sha = w.add("snapshot.db", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local(file.toString()), in, size)
                    .sha256();
            w.commit();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Runtime rt = Runtime.getRuntime();
        System.out.printf("rke-backup %.3f %s maxHeapMiB=%d%n", secs, sha, rt.maxMemory() >> 20);
    }
}
