package dev.rkebackup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.s3.support.LogCapture;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.s3.support.TestCa;
import dev.rkebackup.s3.support.TestData;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** https endpoints with a CA generated for the test: custom CA as PEM text or file, missing CA, wrong CA, insecure. */
@Timeout(60)
class S3TlsTest {
    private static final int MIB = 1024 * 1024;
    @TempDir
    static Path dir;
    static TestCa ca;
    static TestCa otherCa;
    static S3ProxyServer server;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.shared();
        otherCa = TestCa.sharedOther();
        server = S3ProxyServer.https(dir.resolve("s3"), ca);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void customCaAsPemTextTrustsTheServerAndMultipartWorks() throws Exception {
        long length = 11L * MIB;
        try (S3ObjectStore store = server.storeBuilder().prefix("pem").partSize(5 * MIB).build()) {
            assertThat(store.describe()).contains("https://127.0.0.1:" + server.port());
            store.put("snap.zip", TestData.stream(length, 4), length);
            assertThat(TestData.sha256(store.open("snap.zip"))).isEqualTo(TestData.sha256(TestData.stream(length, 4)));
        }
    }

    @Test
    void customCaAsFileWithUnsignedPayloadsAndSha256Header() throws Exception {
        try (S3ObjectStore store = S3ObjectStore.builder().bucket(S3ProxyServer.BUCKET).endpoint(server.endpoint())
                .credentials(Secret.of(server.accessKey()), Secret.of(server.secretKey()))
                .customCaFile(ca.caPemFile()).signPayloads(false).sha256Checksums(true).prefix("file").build()) {
            store.put("a", new ByteArrayInputStream("hello".getBytes()), 5);
            assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("a");
        }
    }

    @Test
    void withoutTheCaTheErrorNamesTheCaOption() throws Exception {
        try (S3ObjectStore store = S3ObjectStore.builder().bucket(S3ProxyServer.BUCKET).endpoint(server.endpoint())
                .credentials(Secret.of(server.accessKey()), Secret.of(server.secretKey())).maxAttempts(1).build()) {
            StorageException e = (StorageException) catchThrowable(() -> store.list(""));
            assertThat(e).hasMessageContaining("TLS connection to " + server.endpoint())
                    .hasMessageContaining("customCaPem(..)").hasMessageContaining("custom_ca");
            assertThat(e.isRetryable()).isFalse();
        }
    }

    @Test
    void aDifferentCaIsReportedAsNotSigningTheServer() throws Exception {
        try (S3ObjectStore store = S3ObjectStore.builder().bucket(S3ProxyServer.BUCKET).endpoint(server.endpoint())
                .credentials(Secret.of(server.accessKey()), Secret.of(server.secretKey()))
                .customCaPem(otherCa.caPem()).maxAttempts(1).build()) {
            StorageException e = (StorageException) catchThrowable(
                    () -> store.put("x", new ByteArrayInputStream(new byte[1]), 1));
            assertThat(e).hasMessageContaining("configured custom CA does not sign the server's certificate");
            assertThat(e.isRetryable()).isFalse();
        }
    }

    @Test
    void insecureModeWorksAndWarns() throws Exception {
        try (LogCapture logs = new LogCapture();
                S3ObjectStore store = S3ObjectStore.builder().bucket(S3ProxyServer.BUCKET).endpoint(server.endpoint())
                        .credentials(Secret.of(server.accessKey()), Secret.of(server.secretKey()))
                        .insecureSkipTlsVerify(true).prefix("insecure").build()) {
            store.put("a", new ByteArrayInputStream(new byte[] {7}), 1);
            assertThat(store.stat("a")).isPresent();
            assertThat(logs.text()).contains("WARN TLS certificate and host name verification is OFF");
        }
    }

    @Test
    void insecureModeNeedsHttps() {
        assertThatThrownBy(() -> S3ObjectStore.builder().bucket("bucket").endpoint(java.net.URI.create("http://h:1"))
                .insecureSkipTlsVerify(true).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs an https:// endpoint");
    }

    @Test
    void badCaInputIsRejectedWithTheFix() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> S3ObjectStore.builder().customCaPem("garbage"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid S3 endpoint CA certificate")
                .hasMessageContaining("PEM");
        assertThatThrownBy(() -> S3ObjectStore.builder().customCaPem(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid S3 endpoint CA certificate");
        assertThatThrownBy(() -> S3ObjectStore.builder().customCaFile(notPem))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(notPem.toString());
        assertThatThrownBy(() -> S3ObjectStore.builder().customCaFile(dir.resolve("missing.pem")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cannot read S3 endpoint CA file");
    }
}
