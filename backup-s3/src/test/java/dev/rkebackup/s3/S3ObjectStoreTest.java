package dev.rkebackup.s3;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.rkebackup.s3.support.S3ProxyExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.s3.support.RecordingHttpClient;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.s3.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** S3-specific behaviour of the store against a real s3proxy over http: multipart, prefixes, cleanup. */
@Timeout(60)
class S3ObjectStoreTest {
    private static final int MIB = 1024 * 1024;
    @RegisterExtension
    static final S3ProxyExtension S3PROXY = new S3ProxyExtension();

    @Test
    void largeObjectGoesUpInParallelPartsAndComesBackIdentical() throws Exception {
        long length = 23L * MIB + 12345; // 5 parts of 5 MiB, the last one short
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("mp").partSize(5 * MIB).concurrency(3)
                .build()) {
            store.put("big.bin", TestData.stream(length, 1), length);
            assertThat(store.stat("big.bin")).get().extracting(ObjectInfo::size).isEqualTo(length);
            try (InputStream in = store.open("big.bin")) {
                assertThat(TestData.sha256(in)).isEqualTo(TestData.sha256(TestData.stream(length, 1)));
            }
            assertThat(store.listMultipartUploads()).isEmpty();
        }
    }

    @Test
    void objectsBelowTheMultipartThresholdAreStreamedInOnePut() throws Exception {
        long length = 9L * MIB + 3;
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("streamed").partSize(5 * MIB)
                .multipartThreshold(64L * MIB).build()) {
            store.put("one.zip", TestData.stream(length, 41), length);
            assertThat(TestData.sha256(store.open("one.zip"))).isEqualTo(TestData.sha256(TestData.stream(length, 41)));
            assertThat(store.listMultipartUploads()).isEmpty();

            assertThatThrownBy(() -> store.put("short.zip", TestData.stream(length - 10, 41), length))
                    .isInstanceOf(StorageException.class).hasMessageContaining("ended after");
            assertThatThrownBy(() -> store.put("long.zip", TestData.stream(length + 10, 41), length))
                    .isInstanceOf(StorageException.class).hasMessageContaining("more than the declared");
            assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("one.zip");
        }
        assertThatThrownBy(() -> S3ObjectStore.builder().multipartThreshold(6L << 30))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("between 0 and 5 GiB");
    }

    @Test
    void unsignedPayloadsOverHttpSendCrc32cInsteadOfHashingAndRoundTrip() throws Exception {
        AtomicReference<RecordingHttpClient> rec = new AtomicReference<>();
        long single = 3L * MIB + 1;
        long streamed = 9L * MIB + 3;
        long multi = 23L * MIB + 5;
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("unsigned").partSize(5 * MIB).concurrency(2)
                .signPayloads(false).multipartThreshold(10L * MIB).httpWrapper(h -> {
                    rec.set(new RecordingHttpClient(h));
                    return rec.get();
                }).build()) {
            store.put("single.bin", TestData.stream(single, 51), single);
            store.put("streamed.bin", TestData.stream(streamed, 52), streamed);
            store.put("multi.bin", TestData.stream(multi, 53), multi);
            assertThat(TestData.sha256(store.open("single.bin")))
                    .isEqualTo(TestData.sha256(TestData.stream(single, 51)));
            assertThat(TestData.sha256(store.open("streamed.bin")))
                    .isEqualTo(TestData.sha256(TestData.stream(streamed, 52)));
            assertThat(TestData.sha256(store.open("multi.bin"))).isEqualTo(TestData.sha256(TestData.stream(multi, 53)));
            assertThat(store.listMultipartUploads()).isEmpty();
        }
        List<SdkHttpRequest> puts = rec.get().requests().stream()
                .filter(r -> r.method() == SdkHttpMethod.PUT).toList();
        assertThat(puts).hasSize(1 + 1 + 5).allSatisfy(r -> {
            assertThat(r.protocol()).isEqualTo("http");
            assertThat(r.firstMatchingHeader("x-amz-content-sha256").orElseThrow()).contains("UNSIGNED-PAYLOAD");
        });
        // buffered bodies carry the CRC32C in a header, the streamed PUT as a trailer after its last chunk
        assertThat(puts.stream().filter(r -> r.firstMatchingHeader("x-amz-checksum-crc32c").isPresent())).hasSize(6);
        assertThat(puts.stream().filter(r -> r.firstMatchingHeader("x-amz-trailer").isPresent())).hasSize(1);
    }

    @Test
    void emptyAndSmallObjects() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("small").build()) {
            store.put("empty", new ByteArrayInputStream(new byte[0]), 0);
            store.put("a/b/c.json", new ByteArrayInputStream("{}".getBytes()), 2);
            assertThat(store.stat("empty")).get().extracting(ObjectInfo::size).isEqualTo(0L);
            try (InputStream in = store.open("a/b/c.json")) {
                assertThat(new String(in.readAllBytes())).isEqualTo("{}");
            }
            assertThat(store.list("").stream().map(ObjectInfo::key)).containsExactly("a/b/c.json", "empty");
        }
    }

    @Test
    void prefixKeepsStoresApartAndMapsKeys() throws Exception {
        try (S3ObjectStore a = S3PROXY.server().storeBuilder().prefix("/tenant-a/").build();
                S3ObjectStore b = S3PROXY.server().storeBuilder().prefix("tenant-b").build();
                S3ObjectStore root = S3PROXY.server().storeBuilder().build()) {
            a.put("x", new ByteArrayInputStream(new byte[] {1}), 1);
            b.put("x", new ByteArrayInputStream(new byte[] {2, 2}), 2);
            assertThat(a.prefix()).isEqualTo("tenant-a");
            assertThat(a.s3Key("x")).isEqualTo("tenant-a/x");
            assertThat(a.list("").stream().map(ObjectInfo::key)).containsExactly("x");
            assertThat(b.stat("x")).get().extracting(ObjectInfo::size).isEqualTo(2L);
            assertThat(root.list("tenant-").stream().map(ObjectInfo::key)).contains("tenant-a/x", "tenant-b/x");
            a.delete(List.of("x", "never-existed"));
            assertThat(a.stat("x")).isEmpty();
            assertThat(b.stat("x")).isPresent();
        }
    }

    @Test
    void deleteManyInBatches() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("many").build()) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                keys.add("k" + i);
                store.put("k" + i, new ByteArrayInputStream(new byte[] {(byte) i}), 1);
            }
            store.delete(keys);
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void streamShorterThanDeclaredStoresNothingAndLeavesNoParts() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("short").partSize(5 * MIB).build()) {
            assertThatThrownBy(() -> store.put("s.bin", TestData.stream(12L * MIB, 2), 13L * MIB))
                    .isInstanceOf(StorageException.class).hasMessageContaining("ended after 12582912 of 13631488");
            assertThatThrownBy(() -> store.put("t.bin", TestData.stream(MIB, 2), 1000))
                    .isInstanceOf(StorageException.class).hasMessageContaining("more than the declared 1000 bytes");
            assertThatThrownBy(() -> store.put("u.bin", TestData.stream(11L * MIB, 2), 10L * MIB))
                    .isInstanceOf(StorageException.class).hasMessageContaining("more than the declared");
            assertThat(store.list("")).isEmpty();
            assertThat(store.listMultipartUploads()).isEmpty();
        }
    }

    @Test
    void failingSourceStreamAbortsTheUpload() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("failing").partSize(5 * MIB).build()) {
            InputStream failing = new java.io.FilterInputStream(TestData.stream(20L * MIB, 3)) {
                long read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read > 11L * MIB) {
                        throw new IOException("disk went away");
                    }
                    int n = super.read(b, off, len);
                    read += Math.max(0, n);
                    return n;
                }
            };
            assertThatThrownBy(() -> store.put("f.bin", failing, 20L * MIB)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("reading the content for 'f.bin' failed")
                    .hasMessageContaining("disk went away");
            assertThat(store.stat("f.bin")).isEmpty();
            assertThat(store.listMultipartUploads()).isEmpty();
        }
    }

    @Test
    void staleMultipartUploadsAreListedAndAborted() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("stale").build();
                S3ObjectStore other = S3PROXY.server().storeBuilder().prefix("elsewhere").build()) {
            RawS3.Starter raw = RawS3.of(S3PROXY.server());
            String id = raw.startUpload("stale/left-behind.zip");
            String otherId = raw.startUpload("elsewhere/keep.zip");
            List<MultipartUploadInfo> pending = store.listMultipartUploads();
            assertThat(pending).extracting(MultipartUploadInfo::key).containsExactly("left-behind.zip");
            assertThat(pending.get(0).uploadId()).isEqualTo(id);
            assertThat(store.abortMultipartUploads(Instant.now().minusSeconds(3600))).isZero();
            assertThat(store.abortMultipartUploads(Instant.now().plusSeconds(5))).isEqualTo(1);
            assertThat(store.listMultipartUploads()).isEmpty();
            assertThat(other.listMultipartUploads()).extracting(MultipartUploadInfo::uploadId).containsExactly(otherId);
            other.abortMultipartUploads(Instant.now().plusSeconds(5));
        }
    }

    @Test
    void concurrentPutsShareTheBoundedBuffers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("concurrent").partSize(5 * MIB).concurrency(2)
                .build()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int seed = 10 + i;
                futures.add(pool.submit(() -> {
                    store.put("o" + seed, TestData.stream(11L * MIB, seed), 11L * MIB);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            for (int i = 0; i < 4; i++) {
                try (InputStream in = store.open("o" + (10 + i))) {
                    assertThat(TestData.sha256(in)).isEqualTo(TestData.sha256(TestData.stream(11L * MIB, 10 + i)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingObjectIsNotFound() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("none").build()) {
            assertThat(store.stat("nope")).isEmpty();
            assertThatThrownBy(() -> store.open("nope")).isInstanceOf(ObjectNotFoundException.class)
                    .hasMessageContaining("'nope'").hasMessageContaining("s3://backups/none");
            assertThat(((StorageException) catchThrowable(() -> store.open("nope"))).isRetryable()).isFalse();
        }
    }

    @Test
    void badKeysAndArgumentsAreRejectedBeforeAnyRequest() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().build()) {
            assertThatThrownBy(() -> store.put("../x", new ByteArrayInputStream(new byte[0]), 0))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.put("x", new ByteArrayInputStream(new byte[0]), -1))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.list("/abs")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.delete(List.of("a//b"))).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void describeNamesBucketPrefixAndEndpointButNoCredentials() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("d").build()) {
            assertThat(store.describe()).isEqualTo("s3://backups/d (endpoint " + S3PROXY.server().endpoint() + ")");
            assertThat(store.toString()).doesNotContain(S3PROXY.server().secretKey())
                    .doesNotContain(S3PROXY.server().accessKey());
        }
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        return org.assertj.core.api.Assertions.catchThrowable(c);
    }
}
