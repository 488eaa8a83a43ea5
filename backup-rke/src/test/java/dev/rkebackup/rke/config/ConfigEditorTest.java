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

    @Test
    void customCaIsWrittenAsLiteralBlockAndReadsBack() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
        S3BackupConfig s3 = S3BackupConfig.builder().bucketName("b").endpoint("minio:9000").customCa(pem).build();
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml")).withS3(s3);
        assertThat(e.text()).isEqualTo(NODES + """
                services:
                  etcd:
                    backup_config:
                      s3backupconfig:
                        bucket_name: b
                        endpoint: minio:9000
                        custom_ca: |
                          -----BEGIN CERTIFICATE-----
                          MIIBszCCAVmgAwIBAgIU
                          -----END CERTIFICATE-----
                """);
        // replacing the CA replaces only its block; the following key stays
        String pem2 = "-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----";
        ConfigEditor e2 = ConfigEditor.of(e.edited()).withS3(s3.toBuilder().customCa(pem2).folder("x").build());
        assertThat(e2.text()).isEqualTo(NODES + """
                services:
                  etcd:
                    backup_config:
                      s3backupconfig:
                        bucket_name: b
                        endpoint: minio:9000
                        custom_ca: |-
                          -----BEGIN CERTIFICATE-----
                          NEW
                          -----END CERTIFICATE-----
                        folder: x
                """);
    }

    @Test
    void valuesThatNeedQuotesAreQuoted() {
        S3BackupConfig s3 = S3BackupConfig.builder().bucketName("yes").endpoint("host: 1").region("123")
                .folder("a #b").accessKey(Secret.of("\"quoted\"\\")).build();
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml")).withS3(s3);
        assertThat(e.text()).contains("bucket_name: \"yes\"", "endpoint: \"host: 1\"", "region: \"123\"",
                "folder: \"a #b\"", "access_key: \"\\\"quoted\\\"\\\\\"");
        assertThat(e.edited().etcd().backupConfig().orElseThrow().s3()).contains(s3);
    }

    @Test
    void sameS3TwiceIsIdempotent() {
        ConfigEditor once = ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml")).withS3(s3());
        ConfigEditor twice = ConfigEditor.of(once.edited()).withS3(s3());
        assertThat(twice.isChanged()).isFalse();
        assertThat(twice.diff()).isEmpty();
    }

    @Test
    void emptyBackupConfigValueIsFilledBelowItsLine() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:   # to do\n  kubelet: {}\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build());
        assertThat(e.text()).isEqualTo(NODES + "services:\n  etcd:\n    backup_config:   # to do\n"
                + "      s3backupconfig:\n        bucket_name: b\n        endpoint: e\n  kubelet: {}\n");
        String flow = NODES + "services: {}  # none yet\n";
        assertThat(ConfigEditor.of(ClusterConfig.parse(flow, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build()).text())
                .isEqualTo(NODES + "services:  # none yet\n  etcd:\n    backup_config:\n      s3backupconfig:\n"
                        + "        bucket_name: b\n        endpoint: e\n");
        String tilde = NODES + "services:\n  etcd: ~\n";
        assertThat(ConfigEditor.of(ClusterConfig.parse(tilde, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build()).text())
                .isEqualTo(NODES + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n"
                        + "        bucket_name: b\n        endpoint: e\n");
    }

    @Test
    void indentationOfTheFileIsFollowed() {
        String yaml = "nodes:\n    - address: a\n      user: u\n      role: [etcd]\nservices:\n    etcd:\n"
                + "        snapshot: true\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build());
        assertThat(e.text()).isEqualTo(yaml + "        backup_config:\n            s3backupconfig:\n"
                + "                bucket_name: b\n                endpoint: e\n");
    }

    @Test
    void s3InFlowStyleIsReplacedByBlockLines() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:\n      retention: 6\n"
                + "      s3backupconfig: {bucket_name: old, endpoint: e}\n      interval_hours: 6\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("new").endpoint("e").build());
        assertThat(e.edited().etcd().backupConfig().orElseThrow().s3().orElseThrow().bucketName()).contains("new");
        assertThat(e.text()).isEqualTo(NODES + "services:\n  etcd:\n    backup_config:\n      retention: 6\n"
                + "      s3backupconfig:\n        bucket_name: new\n        endpoint: e\n      interval_hours: 6\n");
    }

    @Test
    void aliasedSectionsAreNotEdited() {
        String yaml = NODES + "x-s3: &s3\n  bucket_name: b\n  endpoint: e\nservices:\n  etcd:\n    backup_config:\n"
                + "      s3backupconfig: *s3\n";
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("other").endpoint("e").build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("alias");
    }

    @Test
    void s3WithoutFieldsIsAProgrammingError() {
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml"))
                .withS3(S3BackupConfig.builder().build())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void enableRecurringTurnsSnapshotFalseIntoTrueKeepingTheComment() {
        String yaml = NODES + "services:\n  etcd:\n    snapshot: false # off for now\n    backup_config:\n"
                + "      interval_hours: 6\n      retention: 4\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .enableRecurringSnapshots(RkeVersion.parse("v1.3.20"));
        assertThat(e.text()).isEqualTo(yaml.replace("snapshot: false # off", "snapshot: true # off"));
        assertThat(ConfigInspector.inspect(e.edited(), RkeVersion.parse("v1.3.20")).backup().recurring()).isTrue();
    }

    @Test
    void enableRecurringFixesTheEnabledFalseTrap() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:\n      enabled: false\n";
        RkeVersion v = RkeVersion.parse("v1.2.8");
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml")).enableRecurringSnapshots(v);
        assertThat(e.text()).isEqualTo(yaml.replace("enabled: false", "enabled: true"));
        ConfigInspection after = ConfigInspector.inspect(e.edited(), v);
        assertThat(after.codes()).doesNotContain(WarningCode.ENABLED_FALSE_WITHOUT_VALUES);
        assertThat(after.backup().interval().toHours()).isEqualTo(12);
    }

    @Test
    void enabledFalseWithExplicitValuesIsLeftAlone() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:\n      enabled: false\n"
                + "      interval_hours: 6\n      retention: 4\n";
        assertThat(ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .enableRecurringSnapshots(RkeVersion.parse("v1.2.8")).isChanged()).isFalse();
    }

    @Test
    void enableRecurringOnOldLegacyVersionSetsTheSnapshotSwitch() {
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml"))
                .enableRecurringSnapshots(RkeVersion.parse("v0.1.9"));
        assertThat(e.text()).isEqualTo(NODES + "services:\n  etcd:\n    snapshot: true\n");
        ConfigInspection i = ConfigInspector.inspect(e.edited(), RkeVersion.parse("v0.1.9"));
        assertThat(i.backup().recurring()).isTrue();
        assertThat(i.codes()).doesNotContain(WarningCode.RECURRING_DISABLED);
    }

    @Test
    void enableRecurringLeavesAWorkingConfigAlone() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:\n      interval_hours: 6\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .enableRecurringSnapshots(RkeVersion.parse("v1.6.6"));
        assertThat(e.isChanged()).isFalse();
    }

    @Test
    void enableRecurringRefusesVersionsWithoutSnapshots() {
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml"))
                .enableRecurringSnapshots(RkeVersion.parse("v0.1.6")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("v0.1.7");
    }

    @Test
    void migrateRoundsRetentionUpAndUsesDefaults() {
        String yaml = NODES + "services:\n  etcd:\n    creation: 5h\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .migrateToBackupConfig(RkeVersion.parse("v1.0.0"));
        // default retention 72h / 5h = 14.4 -> 15 snapshots, so the window is not shortened
        assertThat(e.text()).isEqualTo(NODES + "services:\n  etcd:\n    backup_config:\n      interval_hours: 5\n"
                + "      retention: 15\n");
        ConfigInspection before = ConfigInspector.inspect(ClusterConfig.parse(yaml, "c.yml"), RkeVersion.of(1, 0, 0));
        ConfigInspection after = ConfigInspector.inspect(e.edited(), RkeVersion.of(1, 0, 0));
        assertThat(after.backup().interval()).isEqualTo(before.backup().interval());
        assertThat(after.backup().retentionWindow()).isGreaterThanOrEqualTo(before.backup().retentionWindow());
    }

    @Test
    void migrateRefusesWhatCannotBeExpressed() {
        String minutes = NODES + "services:\n  etcd:\n    snapshot: true\n    creation: 5m0s\n";
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(minutes, "c.yml"))
                .migrateToBackupConfig(RkeVersion.parse("v1.0.0")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("c.yml: line 9")
                .hasMessageContaining("whole number of hours");
        String noUnit = NODES + "services:\n  etcd:\n    retention: 24\n";
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(noUnit, "c.yml"))
                .migrateToBackupConfig(RkeVersion.parse("v1.0.0")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a Go duration");
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(minutes, "c.yml"))
                .migrateToBackupConfig(RkeVersion.parse("v0.1.18")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("v0.2.0");
    }

    @Test
    void migrateOfNonLegacyConfigIsANoOp() {
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml"))
                .migrateToBackupConfig(RkeVersion.parse("v1.0.0"));
        assertThat(e.isChanged()).isFalse();
    }

    @Test
    void applyRefusesAFileChangedOnDisk(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cluster.yml");
        Files.writeString(file, NODES);
        ConfigEditor e = ConfigEditor.of(ClusterConfig.load(file)).withS3(s3());
        Files.writeString(file, NODES + "# someone else edited\n");
        assertThatThrownBy(e::apply).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("changed on disk");
        assertThat(Files.readString(file)).endsWith("# someone else edited\n");
        assertThat(dir.resolve("cluster.yml.bak")).doesNotExist();
    }

    @Test
    void applyNeverOverwritesAnEarlierBackup(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cluster.yml");
        Files.writeString(file, NODES);
        Files.writeString(dir.resolve("cluster.yml.bak"), "older backup");
        Path backup = ConfigEditor.of(ClusterConfig.load(file)).withS3(s3()).apply();
        assertThat(backup).hasFileName("cluster.yml.bak.1");
        assertThat(Files.readString(dir.resolve("cluster.yml.bak"))).isEqualTo("older backup");
        assertThat(Files.readString(backup)).isEqualTo(NODES);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("cluster.yml", "cluster.yml.bak", "cluster.yml.bak.1");
        }
    }

    @Test
    void applyWithoutChangeOrWithoutFileIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cluster.yml");
        Files.writeString(file, NODES);
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.load(file)).apply())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ConfigEditor.of(ClusterConfig.parse(NODES, "x")).withS3(s3()).apply())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("writeTo");
    }

    @Test
    void writeToCreatesAPrivateCopy(@TempDir Path dir) throws IOException {
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(NODES, "c.yml")).withS3(s3());
        Path target = dir.resolve("private/cluster.yml");
        Files.createDirectories(target.getParent());
        e.writeTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(e.bytes());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
        e.writeTo(target); // replacing works too
        try (var files = Files.list(target.getParent())) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void diffHeadersOfAnAbsolutePathHaveNoDoubleSlash(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yml");
        Files.writeString(file, NODES);
        String diff = ConfigEditor.of(ClusterConfig.load(file)).enableRecurringSnapshots(RkeVersion.parse("v1.6.3"))
                .diff();
        String rel = file.toString().substring(1);
        assertThat(diff).startsWith("--- a/" + rel + "\n+++ b/" + rel + "\n").doesNotContain("a//");
    }

    @Test
    void diffIsUnifiedAndRedacted() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n"
                + "        secret_key: old-secret\n        bucket_name: b\n        endpoint: e\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "cluster.yml"))
                .withS3(S3BackupConfig.builder().secretKey(Secret.of("new-secret")).accessKey(Secret.of("AKIA1"))
                        .bucketName("b").endpoint("e").build());
        String diff = e.diff();
        assertThat(diff).startsWith("--- a/cluster.yml\n+++ b/cluster.yml\n@@ -")
                .contains("-        secret_key: ********", "+        secret_key: ********",
                        "+        access_key: ********", "         bucket_name: b")
                .doesNotContain("old-secret", "new-secret", "AKIA1");
    }

    @Test
    void diffContextNeverShowsAnInlineSshKey() {
        String yaml = "nodes:\n  - address: a\n    user: u\n    role: [etcd]\n    ssh_key: |\n"
                + "      -----BEGIN OPENSSH PRIVATE KEY-----\n      UHJpdmF0ZUtleU1hdGVyaWFs\n"
                + "      -----END OPENSSH PRIVATE KEY-----\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build());
        assertThat(e.diff()).doesNotContain("UHJpdmF0ZUtleU1hdGVyaWFs", "PRIVATE KEY")
                .contains("       ********\n", "+services:");
        assertThat(e.text()).startsWith(yaml);
    }

    @Test
    void applyKeepsTheOwnerWhereThatIsPermitted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cluster.yml");
        Files.writeString(file, NODES);
        var lookup = file.getFileSystem().getUserPrincipalLookupService();
        var me = Files.getOwner(file);
        var nobody = lookup.lookupPrincipalByName("nobody");
        boolean canChown;
        try {
            Files.setOwner(file, nobody);
            canChown = true;
        } catch (IOException e) {
            canChown = false; // not root: files stay ours
        }
        ConfigEditor.of(ClusterConfig.load(file)).withS3(s3()).apply();
        assertThat(Files.getOwner(file)).isEqualTo(canChown ? nobody : me);
    }

    @Test
    void applyThroughASymlinkEditsTheTargetAndKeepsTheLink(@TempDir Path dir) throws IOException {
        Path real = dir.resolve("real.yml");
        Files.writeString(real, NODES);
        Path link = Files.createSymbolicLink(dir.resolve("cluster.yml"), real);
        Path backup = ConfigEditor.of(ClusterConfig.load(link)).withS3(s3()).apply();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).contains("s3backupconfig:");
        assertThat(backup).isEqualTo(dir.resolve("real.yml.bak"));
    }

    @Test
    void removingADuplicatedFieldRemovesEveryCopy() {
        String yaml = NODES + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n        folder: a\n"
                + "        bucket_name: b\n        endpoint: e\n        folder: a\n";
        ConfigEditor e = ConfigEditor.of(ClusterConfig.parse(yaml, "c.yml"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("e").build());
        assertThat(e.text()).isEqualTo(NODES + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n"
                + "        bucket_name: b\n        endpoint: e\n");
    }
}
