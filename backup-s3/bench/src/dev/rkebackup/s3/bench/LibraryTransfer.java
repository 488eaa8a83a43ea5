package dev.rkebackup.s3.bench;

import dev.rkebackup.core.Secret;
import dev.rkebackup.s3.S3ObjectStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One timed transfer with the library, run by bench/run.sh in its own JVM (with -Xmx64m).
 * Arguments: upload|download ENDPOINT BUCKET KEY FILE; credentials in BENCH_ACCESS_KEY / BENCH_SECRET_KEY;
 * tuning in system properties bench.partMiB, bench.concurrency, bench.sha256, bench.multipartThresholdMiB,
 * bench.signPayloads (false: unsigned payloads with a CRC32C per body instead of a SHA-256 in the signature).
 * Prints "seconds (client set-up seconds)"; the script times the whole process too and checks the SHA-256 of
 * every download itself, so nothing is hashed here that the other tools do not hash.
 */
public final class LibraryTransfer {
    private LibraryTransfer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI endpoint = URI.create(args[1]);
        String bucket = args[2];
        String key = args[3];
        Path file = Path.of(args[4]);
        int partMiB = Integer.getInteger("bench.partMiB", 16);
        int concurrency = Integer.getInteger("bench.concurrency", 4);
        boolean sha = Boolean.getBoolean("bench.sha256");
        long threshold = Long.getLong("bench.multipartThresholdMiB", 0L) * 1024L * 1024L;
        boolean sign = Boolean.parseBoolean(System.getProperty("bench.signPayloads", "true"));
        long start = System.nanoTime();
        try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).endpoint(endpoint)
                .credentials(Secret.of(System.getenv("BENCH_ACCESS_KEY")), Secret.of(System.getenv("BENCH_SECRET_KEY")))
                .partSize(partMiB * 1024L * 1024L).concurrency(concurrency).sha256Checksums(sha)
                .multipartThreshold(threshold).signPayloads(sign).build()) {
            long t0 = System.nanoTime();
            if (mode.equals("upload")) {
                try (InputStream in = Files.newInputStream(file)) {
                    store.put(key, in, Files.size(file));
                }
            } else {
                try (InputStream in = store.open(key);
                        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    in.transferTo(out);
                }
            }
            System.out.printf("%.3f (client set-up %.3f s)%n", (System.nanoTime() - t0) / 1e9, (t0 - start) / 1e9);
        }
    }
}
