package dev.rkebackup.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.Secret;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.s3.support.Cli;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.s3.support.TestCa;
import dev.rkebackup.s3.support.TestData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the tools operators use, over https with a test CA: what the library stores, real {@code s3cmd get}
 * and {@code aws s3 cp} fetch with the same SHA-256; what {@code s3cmd put} stored in RKE's layout
 * ({@code <folder>/<name>.zip}) the library lists and reads through an {@link RkeS3BackupConfig}.
 */
@Timeout(120)
class CliInteropTest {
    private static final int MIB = 1024 * 1024;
    @TempDir
    static Path dir;
    static TestCa ca;
    static S3ProxyServer server;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.shared();
        server = S3ProxyServer.https(dir.resolve("s3"), ca);
        cli = new Cli(server, dir.resolve("cli"), ca.caPemFile());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void objectsStoredByTheLibraryComeBackIdenticalThroughS3cmdAndAws() throws Exception {
        long big = 13L * MIB + 7;
        try (S3ObjectStore store = server.storeBuilder().prefix("lib").partSize(5 * MIB).build()) {
            store.put("sets/1/snapshot.zip", TestData.stream(big, 21), big);
            store.put("sets/1/manifest.json", TestData.stream(1000, 22), 1000);
        }
        for (String key : List.of("snapshot.zip", "manifest.json")) {
            String expected = TestData.sha256(TestData.stream(key.endsWith(".zip") ? big : 1000,
                    key.endsWith(".zip") ? 21 : 22));
            Path viaS3cmd = dir.resolve("s3cmd-" + key);
            cli.s3cmd("get", "s3://backups/lib/sets/1/" + key, viaS3cmd.toString());
            assertThat(TestData.sha256(Files.newInputStream(viaS3cmd))).as("s3cmd get " + key).isEqualTo(expected);
            Path viaAws = dir.resolve("aws-" + key);
            cli.aws("s3", "cp", "s3://backups/lib/sets/1/" + key, viaAws.toString());
            assertThat(TestData.sha256(Files.newInputStream(viaAws))).as("aws s3 cp " + key).isEqualTo(expected);
        }
    }

    @Test
    void snapshotsInRkeLayoutPutWithS3cmdAreListedAndReadThroughTheRkeConfig() throws Exception {
        Path manual = dir.resolve("nightly.zip");
        Path recurring = dir.resolve("2020-10-15T14:53:26Z_etcd.zip");
        Path bigOne = dir.resolve("rke_etcd_snapshot_2020-10-15T16:47:24+02:00.zip");
        Files.copy(TestData.stream(300_000, 31), manual);
        Files.copy(TestData.stream(2000, 32), recurring);
        Files.copy(TestData.stream(17L * MIB, 33), bigOne);
        cli.s3cmd("put", manual.toString(), "s3://backups/rke-snapshots/nightly.zip");
        cli.s3cmd("put", recurring.toString(), "s3://backups/rke-snapshots/2020-10-15T14:53:26Z_etcd.zip");
        cli.aws("s3", "cp", bigOne.toString(), "s3://backups/rke-snapshots/" + bigOne.getFileName());
        cli.s3cmd("put", manual.toString(), "s3://backups/elsewhere/other.zip");

        RkeS3BackupConfig rke = new RkeS3BackupConfig(S3ProxyServer.BUCKET, server.hostPort(), "", "rke-snapshots",
                ca.caPem(), Secret.of(server.accessKey()), Secret.of(server.secretKey()));
        try (S3ObjectStore store = rke.toStoreBuilder().build()) {
            assertThat(store.describe()).isEqualTo("s3://backups/rke-snapshots (endpoint https://"
                    + server.hostPort() + ")");
            List<ObjectInfo> listed = store.list("");
            assertThat(listed).extracting(ObjectInfo::key).containsExactly("2020-10-15T14:53:26Z_etcd.zip",
                    "nightly.zip", "rke_etcd_snapshot_2020-10-15T16:47:24+02:00.zip");
            assertThat(listed).extracting(ObjectInfo::size).containsExactly(2000L, 300_000L, 17L * MIB);
            for (Path local : List.of(manual, recurring, bigOne)) {
                try (InputStream in = store.open(local.getFileName().toString())) {
                    assertThat(TestData.sha256(in)).isEqualTo(TestData.sha256(Files.newInputStream(local)));
                }
            }
        }
    }
}
