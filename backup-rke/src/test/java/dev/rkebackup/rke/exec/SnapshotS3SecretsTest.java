package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** S3 snapshots: complete settings, keys kept out of argv/env/logs/files unless the caller opts in. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotS3SecretsTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBstandinCA\n-----END CERTIFICATE-----\n";

    @TempDir
    Path tmp;

    private static S3BackupConfig s3() {
        return s3(true, true, true);
    }

    private static S3BackupConfig s3(boolean folder, boolean ca, boolean bucket) {
        S3BackupConfig.Builder b = S3BackupConfig.builder().accessKey(Secret.of(Cluster.ACCESS_KEY))
                .secretKey(Cluster.SECRET_KEY).endpoint("minio.example.com:9000").region("eu-west-1");
        if (folder) {
            b.folder("etcd/prod");
        }
        if (ca) {
            b.customCa(CA);
        }
        if (bucket) {
            b.bucketName("backups");
        }
        return b.build();
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSecretKeyIsNowhereButWhereRkeNeedsIt() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).build();
        byte[] originalConfig = Files.readAllBytes(c.config);
        AtomicReference<SnapshotResult> result = new AtomicReference<>();
        String stderr = SecretScan.captureStderr(() -> result.set(c.runner.snapshotSave(
                SnapshotSaveRequest.builder(c.config).name("s3-secret").s3(s3()).build())));
        SnapshotResult r = result.get();
        assertThat(r.status()).as(r.toString()).isEqualTo(SnapshotStatus.SUCCESS);

        // the key really reached rke (the fake S3 checks it) and the upload happened
        RkeStandin.Invocation inv = c.standin.invocations().get(c.standin.invocations().size() - 1);
        assertThat(inv.json().path("s3").path("secretKeySha256").asText()).isEqualTo(sha256(Cluster.SECRET_KEY
                .reveal()));
        assertThat(c.standin.s3Object("backups", "etcd/prod/s3-secret.zip")).exists();
        assertThat(r.s3Key()).contains("etcd/prod/s3-secret.zip");

        String secret = Cluster.SECRET_KEY.reveal();
        for (RkeStandin.Invocation i : c.standin.invocations()) {
            assertThat(i.argv()).noneMatch(a -> SecretScan.contains(a, secret) || a.contains(Cluster.ACCESS_KEY));
            assertThat(i.env().values()).noneMatch(v -> SecretScan.contains(v, secret));
        }
        for (String text : List.of(stderr, r.toString(), r.command().display(), String.valueOf(r.output()),
                String.valueOf(c.heard))) {
            assertThat(SecretScan.contains(text, secret)).as("secret in %s", text).isFalse();
            assertThat(SecretScan.contains(text, Cluster.ACCESS_KEY)).as("access key in %s", text).isFalse();
        }
        // the capture did see rke's output, with the access key redacted
        assertThat(stderr).contains("using accesskey [" + Secret.REDACTED + "]");
        assertThat(c.heard).anyMatch(l -> l.message().contains("s3-accessKey=" + Secret.REDACTED));
        // every leftover file: node dirs, zips (entries too), fake S3, records, the cluster dir, the work dir
        assertThat(SecretScan.filesContaining(tmp, secret)).isEmpty();
        // positive control: the scan does find the key, even base64-encoded inside a file
        Path canary = Files.writeString(tmp.resolve("canary.txt"), java.util.Base64.getEncoder()
                .encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        assertThat(SecretScan.filesContaining(tmp, secret)).containsExactly(canary.toString());
        assertThat(Files.readAllBytes(c.config)).isEqualTo(originalConfig);
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void givenSettingsReachRkeCompletelyThroughThePrivateCopy() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.2.8", tmp).build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("full").s3(s3()).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        RkeStandin.Invocation inv = c.standin.invocations().get(c.standin.invocations().size() - 1);
        assertThat(inv.argv()).doesNotContain("--s3", "--secret-key", "--access-key");
        assertThat(inv.json().path("s3").path("endpoint").asText()).isEqualTo("minio.example.com:9000");
        assertThat(inv.json().path("s3").path("bucket").asText()).isEqualTo("backups");
        assertThat(inv.json().path("s3").path("region").asText()).isEqualTo("eu-west-1");
        assertThat(inv.json().path("s3").path("folder").asText()).isEqualTo("etcd/prod");
        assertThat(inv.json().path("s3").path("customCaPresent").asBoolean()).isTrue();
        assertThat(inv.text("configMode")).isEqualTo("0o600");
        assertThat(inv.text("configDirMode")).isEqualTo("0o700");
        assertThat(inv.json().path("stateFileNextToConfig").asBoolean()).isTrue();
    }

    @Test
    void keysGoOnTheCommandLineOnlyWithOptInAndAWarning() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).build();
        AtomicReference<SnapshotResult> result = new AtomicReference<>();
        String stderr = SecretScan.captureStderr(() -> result.set(c.runner.snapshotSave(SnapshotSaveRequest
                .builder(c.config).name("flags").s3(s3()).keysOnCommandLine(true).build())));
        SnapshotResult r = result.get();
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        List<String> argv = c.standin.invocations().get(c.standin.invocations().size() - 1).argv();
        assertThat(argv).containsSubsequence("--s3", "--s3-endpoint", "minio.example.com:9000", "--access-key",
                Cluster.ACCESS_KEY, "--secret-key", Cluster.SECRET_KEY.reveal(), "--bucket-name", "backups", "--region",
                "eu-west-1", "--s3-endpoint-ca");
        assertThat(argv).containsSubsequence("--folder", "etcd/prod");
        Path ca = Path.of(argv.get(argv.indexOf("--s3-endpoint-ca") + 1));
        assertThat(ca).doesNotExist();
        assertThat(stderr).contains("WARN").contains("ps while rke runs");
        assertThat(r.command().display()).doesNotContain(Cluster.SECRET_KEY.reveal())
                .contains("--secret-key '" + Secret.REDACTED + "'");
        assertThat(r.command().redactedArguments()).containsSubsequence("--secret-key", Secret.REDACTED);
        assertThat(SecretScan.contains(String.valueOf(r.output()), Cluster.SECRET_KEY.reveal())).isFalse();
    }

    @Test
    void s3SettingsOfTheConfigAreUsedAsRkeWould() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.2.8", tmp).yaml("services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 6\n      s3backupconfig:\n        access_key: " + Cluster.ACCESS_KEY + "\n"
                + "        secret_key: " + Cluster.SECRET_KEY.reveal() + "\n        bucket_name: backups\n"
                + "        endpoint: minio.example.com:9000\n").build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("cfg").build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(r.s3Key()).contains("cfg.zip");
        assertThat(c.standin.s3Object("backups", "cfg.zip")).exists();
        assertThat(SecretScan.contains(String.valueOf(c.heard), Cluster.ACCESS_KEY)).isFalse();
    }

    @Test
    void localOnlyLeavesTheConfigsS3SettingsOut() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).yaml("services:\n  etcd:\n    backup_config:\n"
                + "      s3backupconfig:\n        bucket_name: backups\n        endpoint: minio.example.com:9000\n")
                .build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("loc").localOnly()
                .build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(r.s3Key()).isEmpty();
        assertThat(c.standin.invocations().get(c.standin.invocations().size() - 1).json().has("s3")).isFalse();
        assertThat(c.standin.s3Object("backups", "loc.zip")).doesNotExist();
        assertThat(c.standin.snapshotDir("10.0.0.1").resolve("loc.zip")).exists();
    }

    @Test
    void settingsTheVersionLacksAreRefusedBeforeAnythingRuns() {
        Map<String, String> cases = Map.of(
                "v0.2.5", "v0.2.7", // folder
                "v0.1.18", "v0.2.0", // S3 at all
                "v0.2.4", "v0.2.5"); // custom CA (folder would be refused first, so use a folder-free config)
        cases.forEach((version, needed) -> {
            Path dir = tmp.resolve(version);
            Cluster c = Cluster.builder(ETCD, version, dir).build();
            S3BackupConfig settings = version.equals("v0.2.4") ? s3(false, true, true) : s3();
            assertThatThrownBy(() -> c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("x")
                    .s3(settings).build())).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("needs RKE " + needed).hasMessageContaining("is " + version)
                    .hasMessageNotContaining(Cluster.SECRET_KEY.reveal());
            assertThat(c.standin.invocations()).extracting(i -> i.text("command")).containsOnly("--version");
        });
    }

    @Test
    void folderWorksFromV027AndMissingBucketOrEndpointIsRefused() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v0.2.7", tmp).build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("f")
                .s3(s3(true, false, true)).build());
        assertThat(r.status()).as(r.toString()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(c.standin.s3Object("backups", "etcd/prod/f.zip")).exists();
        assertThatThrownBy(() -> c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("g")
                .s3(s3(true, false, false)).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("bucket");
        Files.writeString(c.config, c.standin.clusterYaml("services:\n  etcd:\n    backup_config:\n"
                + "      s3backupconfig:\n        bucket_name: backups\n"));
        assertThatThrownBy(() -> c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("h").build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no endpoint");
    }
}
