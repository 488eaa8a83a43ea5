package dev.rkebackup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.StoreConfirmation;
import dev.rkebackup.s3.support.DamagingHttpClient;
import dev.rkebackup.s3.support.S3ProxyExtension;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.s3.support.TestData;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast paths against a real s3proxy: a PUT streamed from a reopenable file and resent from it when the server
 * finds the body damaged, confirmation from the server's ETag instead of a download, parallel ranged reads, and
 * what a server that goes away leaves behind.
 */
@Timeout(120)
class S3SpeedPathTest {
    private static final int MIB = 1024 * 1024;
    @TempDir
    static Path dir;
    @RegisterExtension
    static final S3ProxyExtension S3PROXY = new S3ProxyExtension();

    private static Path file(String name, long length, long seed) throws IOException {
        Path f = dir.resolve(name);
        try (InputStream in = TestData.stream(length, seed)) {
            Files.copy(in, f);
        }
        return f;
    }

    @Test
    void aDamagedBodyFromAFileIsResentFromTheFileAloneAndConfirmedByItsEtag() throws Exception {
        long length = 12L * MIB;
        Path f = file("damaged.bin", length, 4);
        AtomicReference<DamagingHttpClient> damaging = new AtomicReference<>();
        AtomicInteger opens = new AtomicInteger();
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("reopen").partSize(5 * MIB)
                .httpWrapper(http -> {
                    damaging.set(new DamagingHttpClient(http, 1));
                    return damaging.get();
                }).build()) {
            store.put("snap.db", () -> {
                opens.incrementAndGet();
                return Files.newInputStream(f);
            }, length);
            assertThat(damaging.get().damaged()).isEqualTo(1);
            assertThat(opens.get()).as("one opening per send: the damaged one and its resend").isEqualTo(2);
            Optional<StoreConfirmation> c = store.confirm("snap.db", length);
            assertThat(c).hasValueSatisfying(v -> assertThat(v.method()).isEqualTo("s3-etag-md5"));
            assertThat(TestData.sha256(store.open("snap.db"))).isEqualTo(TestData.sha256(Files.newInputStream(f)));
            assertThat(store.confirm("snap.db", length)).as("only right after a put").isEmpty();
        }
    }

    @Test
    void multipartAndSinglePutsAreConfirmedFromTheServersRecord() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("confirm").partSize(5 * MIB).build()) {
            store.put("multi", TestData.stream(12L * MIB, 5), 12L * MIB);
            assertThat(store.confirm("multi", 12L * MIB)).hasValueSatisfying(
                    v -> assertThat(v.method()).isEqualTo("s3-etag-multipart-md5"));
            store.put("small", TestData.stream(1000, 5), 1000);
            assertThat(store.confirm("small", 1000)).hasValueSatisfying(
                    v -> assertThat(v.method()).isEqualTo("s3-etag-md5"));
        }
    }

    @Test
    void rangesComeBackExactlyAndALargeArtifactIsReadInParallelRanges() throws Exception {
        long length = 40L * MIB;
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("ranges").build()) {
            store.put("x", TestData.stream(length, 6), length);
            byte[] all;
            try (InputStream in = store.open("x")) {
                all = in.readAllBytes();
            }
            try (InputStream in = store.openRange("x", 5 * MIB + 3, 100)) {
                assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 5 * MIB + 3, 5 * MIB + 103));
            }
            AtomicInteger ranges = new AtomicInteger();
            BackupRepository repo = BackupRepository.create(new Forwarding(store) {
                @Override
                public InputStream openRange(String key, long offset, long len) {
                    ranges.incrementAndGet();
                    return super.openRange(key, offset, len);
                }
            });
            Manifest m = storeSet(repo, length, 6);
            Path out = dir.resolve("fetched");
            List<Path> files = repo.fetch(m.setId(), out);
            assertThat(ranges.get()).as("ranged GETs").isGreaterThan(2);
            assertThat(TestData.sha256(Files.newInputStream(files.get(0)))).isEqualTo(
                    TestData.sha256(TestData.stream(length, 6)));
        }
    }

    @Test
    void aFetchInterruptedMidRangeLeavesNoFileUnderTheRealName() throws Exception {
        long length = 40L * MIB;
        try (S3ProxyServer own = S3ProxyServer.http(dir.resolve("fetch-stop"));
                S3ObjectStore store = own.storeBuilder().prefix("f").maxAttempts(1)
                        .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)).build()) {
            BackupRepository plain = BackupRepository.create(store);
            Manifest m = storeSet(plain, length, 8);
            BackupRepository stopping = BackupRepository.create(new Forwarding(store) {
                @Override
                public InputStream openRange(String key, long offset, long len) {
                    if (offset >= 16L * MIB) {
                        try {
                            own.stop(); // the server goes away while the first ranges are being written
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return super.openRange(key, offset, len);
                }
            });
            Path out = dir.resolve("interrupted");
            Throwable e = catchThrowable(() -> stopping.fetch(m.setId(), out));
            assertThat(e).isInstanceOf(BackupException.class);
            try (Stream<Path> left = Files.walk(out)) {
                assertThat(left.filter(Files::isRegularFile)).as("no partial or temporary file").isEmpty();
            }
            own.start();
        }
    }

    @Test
    void aServerStoppedDuringABackupLeavesNoSetAndNoPendingUpload() throws Exception {
        long length = 40L * MIB;
        Path f = file("stopped.bin", length, 9);
        try (S3ProxyServer own = S3ProxyServer.http(dir.resolve("backup-stop"));
                S3ObjectStore store = own.storeBuilder().prefix("b").maxAttempts(2)
                        .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)).build()) {
            BackupRepository repo = BackupRepository.create(store);
            Throwable e;
            try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
                e = catchThrowable(() -> w.add("snap.db", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("x"),
                        () -> new FilterInputStream(Files.newInputStream(f)) {
                            long read;

                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                if (read >= 16L * MIB && read - len < 16L * MIB) {
                                    try {
                                        own.stop();
                                    } catch (Exception ex) {
                                        throw new IOException(ex);
                                    }
                                }
                                int n = super.read(b, off, len);
                                read += Math.max(n, 0);
                                return n;
                            }
                        }, length, Map.of()));
            }
            assertThat(e).isInstanceOf(BackupException.class);
            own.start();
            assertThat(store.list("")).as("no set, no artifact").isEmpty();
            assertThat(store.listMultipartUploads()).as("no orphan upload").isEmpty();
            assertThat(repo.listSets()).isEmpty();
        }
    }

    @Test
    void aBackupIsConfirmedWithoutDownloadingIt() throws Exception {
        long length = 12L * MIB;
        Path f = file("confirmed.bin", length, 10);
        AtomicInteger opens = new AtomicInteger();
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("nodownload").build()) {
            BackupRepository repo = BackupRepository.create(new Forwarding(store) {
                @Override
                public InputStream open(String key) {
                    opens.incrementAndGet();
                    return super.open(key);
                }
            });
            Manifest m;
            Map<String, StoreConfirmation> confirmed;
            try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
                w.add("snap.db", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("x"),
                        () -> Files.newInputStream(f), length, Map.of());
                m = w.commit();
                confirmed = w.confirmations();
            }
            VerifyReport r = repo.confirm(m, confirmed);
            assertThat(r.ok()).isTrue();
            assertThat(r.checks()).singleElement().satisfies(c -> assertThat(c.method()).isEqualTo("s3-etag-md5"));
            assertThat(opens.get()).as("only the manifest is read back").isEqualTo(1);
        }
    }

    private static Manifest storeSet(BackupRepository repo, long length, long seed) {
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
            w.add("snap.db", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("x"), TestData.stream(length, seed),
                    length, Map.of());
            return w.commit();
        }
    }

    /** Forwards everything to a store, so a test can watch or disturb one call. */
    private static class Forwarding implements ObjectStore {
        private final ObjectStore d;

        Forwarding(ObjectStore d) {
            this.d = d;
        }

        @Override
        public void put(String key, InputStream content, long length) {
            d.put(key, content, length);
        }

        @Override
        public void put(String key, dev.rkebackup.core.storage.ReopenableContent content, long length) {
            d.put(key, content, length);
        }

        @Override
        public Optional<StoreConfirmation> confirm(String key, long length) {
            return d.confirm(key, length);
        }

        @Override
        public InputStream open(String key) {
            return d.open(key);
        }

        @Override
        public InputStream openRange(String key, long offset, long length) {
            return d.openRange(key, offset, length);
        }

        @Override
        public boolean prefersParallelRangedReads() {
            return d.prefersParallelRangedReads();
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return d.stat(key);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            return d.list(prefix);
        }

        @Override
        public void delete(Collection<String> keys) {
            d.delete(keys);
        }

        @Override
        public String describe() {
            return d.describe();
        }

        @Override
        public void close() {
        }
    }
}
