package dev.rkebackup.rke.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RkeVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigEditorTest {
    private static final String NODES = """
            # Rancher HA
            nodes:
              - address: 10.0.0.1   # first
                user: rancher
                role: [controlplane, etcd, worker]
            """;

    private static S3BackupConfig s3() {
        return S3BackupConfig.builder().accessKey(Secret.of("AKIAEXAMPLE")).secretKey(Secret.of("s3cr3t/+x"))
                .bucketName("etcd-backups").region("eu-west-1").endpoint("s3.eu-west-1.amazonaws.com").build();
    }

    @Test
    void withS3AddsWholeSectionAndKeepsEveryOtherByte() {
        String yaml = NODES + """

                services:
                  etcd:
                    # keep 6 snapshots
                    backup_config:
                      interval_hours: 6   # hours
                      retention: 6
                  kubelet:
                    extra_args: {max-pods: "250"}
                """;
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "cluster.yml")).withS3(s3());
        String expected = NODES + """

                services:
                  etcd:
                    # keep 6 snapshots
                    backup_config:
                      interval_hours: 6   # hours
                      retention: 6
                      s3backupconfig:
                        access_key: AKIAEXAMPLE
                        secret_key: s3cr3t/+x
                        bucket_name: etcd-backups
                        region: eu-west-1
                        endpoint: s3.eu-west-1.amazonaws.com
                  kubelet:
                    extra_args: {max-pods: "250"}
                """;
        assertThat(e.text()).isEqualTo(expected);
        assertThat(e.edited().etcd().backupConfig().orElseThrow().s3()).contains(s3());
        assertThat(e.diff()).contains("+        secret_key: ********").doesNotContain("s3cr3t");
    }

    @Test
    void withS3ChangesExistingValuesInPlaceKeepingComments() {
        String yaml = NODES + """
                services:
                  etcd:
                    backup_config:
                      s3backupconfig:
                        bucket_name: 'old-bucket'  # the bucket
                        endpoint: minio:9000
                        folder: prod
                        endpoint_ca: foo
                """;
        S3BackupConfig s3 = S3BackupConfig.builder().bucketName("new-bucket").endpoint("minio:9000").build();
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "cluster.yml")).withS3(s3);
        assertThat(e.text()).isEqualTo(NODES + """
                services:
                  etcd:
                    backup_config:
                      s3backupconfig:
                        bucket_name: new-bucket  # the bucket
                        endpoint: minio:9000
                        endpoint_ca: foo
                """);
    }

    @Test
    void withS3CreatesServicesWhenMissingAndHandlesMissingFinalNewline() {
        String yaml = NODES.stripTrailing();
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "cluster.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e:9000").build());
        assertThat(e.text()).isEqualTo(yaml + """

                services:
                  etcd:
                    backup_config:
                      s3backupconfig:
                        bucket_name: b
                        endpoint: e:9000""");
    }

    @Test
    void crlfAndBomArePreserved(@TempDir Path dir) throws IOException {
        String yaml = "\uFEFFnodes:\r\n- address: a\r\n  user: u\r\n  role: [etcd]\r\nservices:\r\n  etcd:\r\n"
                + "    snapshot: true\r\n";
        Path file = dir.resolve("cluster.yml");
        Files.write(file, yaml.getBytes(StandardCharsets.UTF_8));
        ConfigEditor e = ConfigEditor.of(ClusterConfig.load(file))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build());
        assertThat(new String(e.bytes(), StandardCharsets.UTF_8)).isEqualTo(yaml
                + "    backup_config:\r\n      s3backupconfig:\r\n        bucket_name: b\r\n        endpoint: e\r\n");
    }

    @Test
    void applyKeepsBackupAndPermissions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rancher-cluster.yml");
        Files.writeString(file, NODES);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        ConfigEditor e = ConfigEditor.of(ClusterConfig.load(file)).enableRecurringSnapshots(RkeVersion.parse("v1.4.3"));
        Path backup = e.apply();
        assertThat(backup).hasFileName("rancher-cluster.yml.bak");
        assertThat(Files.readString(backup)).isEqualTo(NODES);
        assertThat(Files.readString(file)).isEqualTo(NODES + """
                services:
                  etcd:
                    backup_config:
                      interval_hours: 12
                      retention: 6
                """);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-r-----");
    }

    @Test
    void migrateLegacy() {
        String yaml = NODES + """
                services:
                  etcd:
                    snapshot: true # on
                    creation: 6h0s
                    retention: 24h
                    image: rancher/etcd
                """;
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .migrateToBackupConfig(RkeVersion.parse("v1.2.8"));
        assertThat(e.text()).isEqualTo(NODES + """
                services:
                  etcd:
                    snapshot: true # on
                    image: rancher/etcd
                    backup_config:
                      interval_hours: 6
                      retention: 4
                """);
    }

    @Test
    void flowStyleIsRefused() {
        String yaml = NODES + "services: {etcd: {snapshot: true}}\n";
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml")).withS3(s3()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("flow style");
    }
}
