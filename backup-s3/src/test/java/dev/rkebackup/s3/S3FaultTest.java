package dev.rkebackup.s3;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.rkebackup.s3.support.S3ProxyExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.s3.support.DamagingHttpClient;
import dev.rkebackup.s3.support.FakeS3Endpoint;
import dev.rkebackup.s3.support.LogCapture;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.s3.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure the issue lists, against a real s3proxy (or, for AWS-only answers, a fixed-answer endpoint). */
@Timeout(60)
class S3FaultTest {
    private static final int MIB = 1024 * 1024;
    private static final String WRONG_SECRET = "wrong-secret-Zq8vX2p9Lk";
    @TempDir
    static Path dir;
    @RegisterExtension
    static final S3ProxyExtension S3PROXY = new S3ProxyExtension();

    @Test
    void wrongSecretKeyIsNamedInEveryOperation() throws Exception {
        try (LogCapture logs = new LogCapture(); S3ObjectStore store = S3PROXY.server().storeBuilder()
                .credentials(Secret.of(S3PROXY.server().accessKey()), Secret.of(WRONG_SECRET)).maxAttempts(1).build()) {
            for (StorageException e : failures(store)) {
                assertThat(e).hasMessageContaining("secret key is wrong").hasMessageContaining("SignatureDoesNotMatch")
                        .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
                assertThat(e.isRetryable()).isFalse();
                assertNoSecret(e, logs);
            }
        }
    }

    @Test
    void wrongAccessKeyIsNamed() throws Exception {
        try (LogCapture logs = new LogCapture(); S3ObjectStore store = S3PROXY.server().storeBuilder()
                .credentials(Secret.of("AKUNKNOWN0000000"), Secret.of(S3PROXY.server().secretKey()))
                .maxAttempts(1).build()) {
            for (StorageException e : failures(store)) {
                assertThat(e).hasMessageContaining("does not know the access key id")
                        .hasMessageContaining("InvalidAccessKeyId");
                assertThat(e.isRetryable()).isFalse();
                assertNoSecret(e, logs);
            }
        }
    }

    @Test
    void missingBucketIsNamedAlsoForStat() throws Exception {
        try (LogCapture logs = new LogCapture();
                S3ObjectStore store = S3PROXY.server().storeBuilder().bucket("no-such-bucket").build()) {
            // s3proxy answers DeleteObjects on a missing bucket with success, so delete is not among them here
            for (StorageException e : failures(store, false)) {
                assertThat(e).hasMessageContaining("bucket does not exist").hasMessageContaining("s3://no-such-bucket")
                        .hasMessageContaining("create it first");
                assertThat(e.isRetryable()).isFalse();
                assertNoSecret(e, logs);
            }
        }
    }

    @Test
    void unreachableEndpointIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().endpoint(URI.create("http://127.0.0.1:" + port))
                .maxAttempts(1).timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).build()) {
            StorageException e = (StorageException) catchThrowable(() -> store.list(""));
            assertThat(e).hasMessageContaining("cannot reach http://127.0.0.1:" + port)
                    .hasMessageContaining("check the endpoint URL and port");
            assertThat(e.isRetryable()).isTrue();
        }
    }

    @Test
    void regionMismatchSaysWhichRegionToSet() throws Exception {
        try (FakeS3Endpoint fake = FakeS3Endpoint.start(301, "PermanentRedirect", "The bucket you are attempting to"
                + " access must be addressed using the specified endpoint.",
                Map.of("x-amz-bucket-region", "eu-west-1"));
                S3ObjectStore store = S3ObjectStore.builder().bucket("backups").endpoint(fake.endpoint())
                        .region("us-east-1").credentials(Secret.of("AK"), Secret.of("sk")).maxAttempts(1).build()) {
            StorageException e = (StorageException) catchThrowable(() -> store.list(""));
            assertThat(e).hasMessageContaining("bucket is in region 'eu-west-1'")
                    .hasMessageContaining("signed for 'us-east-1'").hasMessageContaining("region=eu-west-1");
            assertThat(e.isRetryable()).isFalse();
        }
    }

    @Test
    void accessDeniedListsThePermissionsNeeded() throws Exception {
        try (FakeS3Endpoint fake = FakeS3Endpoint.start(403, "AccessDenied", "Access Denied", Map.of());
                S3ObjectStore store = S3ObjectStore.builder().bucket("backups").endpoint(fake.endpoint())
                        .credentials(Secret.of("AK"), Secret.of("sk")).maxAttempts(1).build()) {
            StorageException e = (StorageException) catchThrowable(
                    () -> store.put("k", new ByteArrayInputStream(new byte[3]), 3));
            assertThat(e).hasMessageContaining("put of 'k'").hasMessageContaining("access denied")
                    .hasMessageContaining("s3:PutObject");
            assertThat(e.isRetryable()).isFalse();
        }
    }

    @Test
    void objectDeletedBehindOurBackIsNotFound() throws Exception {
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("gone").build()) {
            store.put("snap.zip", new ByteArrayInputStream(new byte[10]), 10);
            Files.delete(S3PROXY.server().objectFile("gone/snap.zip"));
            assertThat(store.stat("snap.zip")).isEmpty();
            assertThat(catchThrowable(() -> store.open("snap.zip"))).isInstanceOf(ObjectNotFoundException.class)
                    .hasMessageContaining("'snap.zip'");
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void flippedByteIsReturnedAsStoredForTheRepositoryToDetect() throws Exception {
        long length = 7L * MIB;
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("flip").partSize(5 * MIB).build()) {
            store.put("snap.zip", TestData.stream(length, 5), length);
            try (RandomAccessFile f = new RandomAccessFile(
                    S3PROXY.server().objectFile("flip/snap.zip").toFile(), "rw")) {
                f.seek(6 * MIB);
                int b = f.read();
                f.seek(6 * MIB);
                f.write(b ^ 0x40);
            }
            byte[] original;
            byte[] stored;
            try (InputStream a = TestData.stream(length, 5); InputStream b = store.open("snap.zip")) {
                original = a.readAllBytes();
                stored = b.readAllBytes();
            }
            assertThat(stored).hasSize(original.length);
            assertThat(stored[6 * MIB]).isEqualTo((byte) (original[6 * MIB] ^ 0x40));
            stored[6 * MIB] = original[6 * MIB];
            assertThat(stored).isEqualTo(original);
        }
    }

    @ParameterizedTest(name = "signed payloads: {0}")
    @ValueSource(booleans = {true, false}) // unsigned: the CRC32C the store sends instead catches the damage
    void bodyDamagedOnTheWireIsRejectedByTheServerAndResent(boolean signed) throws Exception {
        AtomicReference<DamagingHttpClient> damaging = new AtomicReference<>();
        long length = 12L * MIB;
        try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("damaged-" + signed).partSize(5 * MIB)
                .signPayloads(signed).httpWrapper(http -> {
                    damaging.set(new DamagingHttpClient(http, 2));
                    return damaging.get();
                }).build()) {
            store.put("snap.zip", TestData.stream(length, 9), length);
            assertThat(damaging.get().damaged()).isEqualTo(2);
            assertThat(TestData.sha256(store.open("snap.zip"))).isEqualTo(TestData.sha256(TestData.stream(length, 9)));
        }
    }

    @Test
    void bodyDamagedOnEveryAttemptFailsAsRetryableAndStoresNothing() throws Exception {
        for (boolean sha256Header : new boolean[] {false, true}) {
            try (S3ObjectStore store = S3PROXY.server().storeBuilder().prefix("always-damaged").maxAttempts(2)
                    .sha256Checksums(sha256Header).httpWrapper(http -> new DamagingHttpClient(http, 100)).build()) {
                StorageException e = (StorageException) catchThrowable(
                        () -> store.put("snap.zip", TestData.stream(1000, 3), 1000));
                assertThat(e).hasMessageContaining("checksum did not match").hasMessageContaining("damaged in transit");
                assertThat(e.isRetryable()).isTrue();
                assertThat(store.stat("snap.zip")).isEmpty();
            }
        }
    }

    @Test
    void serverStoppingDuringMultipartUploadFailsCleanlyAndARetrySucceeds() throws Exception {
        long length = 40L * MIB;
        try (LogCapture logs = new LogCapture(); S3ProxyServer own = S3ProxyServer.http(dir.resolve("stopping"));
                S3ObjectStore store = own.storeBuilder().prefix("p").partSize(5 * MIB).concurrency(2).maxAttempts(2)
                        .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).build()) {
            InputStream source = new FilterInputStream(TestData.stream(length, 7)) {
                long read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= 16L * MIB && read - len < 16L * MIB) {
                        try {
                            own.stop(); // the server goes away while parts are in flight
                        } catch (Exception e) {
                            throw new IOException(e);
                        }
                    }
                    int n = super.read(b, off, len);
                    read += Math.max(n, 0);
                    return n;
                }
            };
            StorageException e = (StorageException) catchThrowable(() -> store.put("snap.zip", source, length));
            assertThat(e).hasMessageContaining("put of 'snap.zip'");
            assertThat(e.isRetryable()).isTrue();
            assertNoSecret(e, logs);

            own.start();
            List<MultipartUploadInfo> pending = store.listMultipartUploads();
            assertThat(pending).hasSizeLessThanOrEqualTo(1); // aborted, or reported (the server was gone)
            if (!pending.isEmpty()) {
                assertThat(logs.text()).contains(pending.get(0).uploadId()).contains("abortMultipartUploads");
            }
            store.abortMultipartUploads(Instant.now().plusSeconds(5));
            assertThat(store.listMultipartUploads()).isEmpty();
            assertThat(store.stat("snap.zip")).isEmpty();

            store.put("snap.zip", TestData.stream(length, 7), length);
            assertThat(TestData.sha256(store.open("snap.zip"))).isEqualTo(TestData.sha256(TestData.stream(length, 7)));
        }
    }

    /** Runs every store operation and returns the failures; each must fail. */
    private static List<StorageException> failures(S3ObjectStore store) {
        return failures(store, true);
    }

    private static List<StorageException> failures(S3ObjectStore store, boolean withDelete) {
        List<ThrowingConsumer<S3ObjectStore>> ops = new ArrayList<>(List.of(
                s -> s.put("k", new ByteArrayInputStream(new byte[3]), 3),
                s -> s.put("big", TestData.stream(6L * MIB, 1), 6L * MIB),
                s -> s.open("k"),
                s -> s.stat("k"),
                s -> s.list(""),
                S3ObjectStore::verifyAccess,
                S3ObjectStore::listMultipartUploads));
        if (withDelete) {
            ops.add(s -> s.delete(List.of("a", "b")));
        }
        List<StorageException> result = new ArrayList<>();
        for (ThrowingConsumer<S3ObjectStore> op : ops) {
            Throwable t = catchThrowable(() -> op.accept(store));
            assertThat(t).as("operation %s", result.size()).isInstanceOf(StorageException.class)
                    .isNotInstanceOf(ObjectNotFoundException.class);
            result.add((StorageException) t);
        }
        return result;
    }

    private static void assertNoSecret(Throwable e, LogCapture logs) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(S3PROXY.server().secretKey())
                    .doesNotContain(WRONG_SECRET);
            for (Throwable s : t.getSuppressed()) {
                assertThat(String.valueOf(s.getMessage())).doesNotContain(S3PROXY.server().secretKey())
                        .doesNotContain(WRONG_SECRET);
            }
        }
        assertThat(logs.text()).doesNotContain(S3PROXY.server().secretKey()).doesNotContain(WRONG_SECRET);
    }
}
