package dev.rkebackup.rke.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.rke.RkeVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigInspectorTest {
    private static final RkeVersion V = RkeVersion.parse("v1.6.6");

    private static String etcdNodes(int n) {
        StringBuilder sb = new StringBuilder("nodes:\n");
        for (int i = 1; i <= n; i++) {
            sb.append("  - {address: 10.0.0.").append(i).append(", user: u, role: [etcd]}\n");
        }
        return sb.toString();
    }

    private static ConfigInspection inspect(String yaml) {
        return ConfigInspector.inspect(ClusterConfig.parse(yaml, "c.yml"), V);
    }

    /** The table of the source document. */
    @ParameterizedTest
    @CsvSource({"0,0,0", "1,1,0", "2,2,0", "3,2,1", "4,3,1", "5,3,2", "6,4,2", "7,4,3", "8,5,3", "9,5,4"})
    void quorumTable(int members, int majority, int tolerance) {
        EtcdQuorum q = EtcdQuorum.of(members);
        assertThat(q.majority()).isEqualTo(majority);
        assertThat(q.faultTolerance()).isEqualTo(tolerance);
        assertThat(q.isEven()).isEqualTo(members > 0 && members % 2 == 0);
        if (members > 0) {
            ConfigInspection i = inspect(etcdNodes(members));
            assertThat(i.quorum()).isEqualTo(q);
            assertThat(i.codes().contains(WarningCode.EVEN_ETCD_MEMBERS)).isEqualTo(members % 2 == 0);
        }
    }

    @Test
    void quorumRecordRejectsInconsistentValues() {
        assertThatThrownBy(() -> new EtcdQuorum(3, 3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtcdQuorum.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retentionIsAlwaysExplainedAsACountAndWarnsWhenItLooksLikeDays() {
        ConfigInspection plain = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 6\n      retention: 4\n");
        assertThat(plain.findings(WarningCode.RETENTION_IS_A_COUNT)).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Severity.INFO);
            assertThat(w.message()).contains("4 × 6 h = 24 h");
            assertThat(w.line()).isEqualTo(9);
        });
        ConfigInspection dayValue = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 6\n      retention: 30\n");
        assertThat(dayValue.findings(WarningCode.RETENTION_IS_A_COUNT).get(0).severity()).isEqualTo(Severity.WARNING);
        ConfigInspection dayComment = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 6\n      # keep for 3 days\n      retention: 3\n");
        assertThat(dayComment.findings(WarningCode.RETENTION_IS_A_COUNT).get(0).severity())
                .isEqualTo(Severity.WARNING);
        assertThat(dayComment.backup().retentionWindow()).isEqualTo(Duration.ofHours(18));
    }

    @Test
    void legacyFieldsNextToBackupConfigAreIgnored() {
        ConfigInspection i = inspect(etcdNodes(3) + "services:\n  etcd:\n    creation: 1h\n    retention: 2h\n"
                + "    backup_config:\n      interval_hours: 2\n");
        assertThat(i.codes()).contains(WarningCode.LEGACY_FIELDS_IGNORED);
        assertThat(i.backup().interval()).isEqualTo(Duration.ofHours(2));
        assertThat(i.backup().retentionWindow()).isEqualTo(Duration.ofHours(12));
        assertThat(i.backup().retentionConfigured()).isEqualTo("6 snapshots (default)");
    }

    @Test
    void unknownBackupKeysGetSuggestions() {
        ConfigInspection i = inspect(etcdNodes(3) + "etcd_backup_config: {}\nservices:\n  etcd:\n"
                + "    backupConfig:\n      intervalHours: 6\n    snapshots: true\n");
        assertThat(i.findings(WarningCode.UNKNOWN_BACKUP_KEY)).extracting(ConfigWarning::message)
                .anySatisfy(m -> assertThat(m).contains("`etcd_backup_config`", "services.etcd.backup_config"))
                .anySatisfy(m -> assertThat(m).contains("`services.etcd.backupConfig`", "`backup_config`"))
                .anySatisfy(m -> assertThat(m).contains("`services.etcd.snapshots`", "`snapshot`"));
        assertThat(i.findings(WarningCode.UNKNOWN_BACKUP_KEY)).extracting(ConfigWarning::line)
                .containsExactlyInAnyOrder(5, 8, 10);
        ConfigInspection s3 = inspect(etcdNodes(1) + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n"
                + "        bucket_name: b\n        endpoint: e\n        bucket_nme: x\n");
        assertThat(s3.findings(WarningCode.UNKNOWN_BACKUP_KEY).get(0).message()).contains("`bucket_name`");
    }

    @Test
    void rancherOnlyKeysAreInfoOnly() {
        ConfigInspection i = inspect(etcdNodes(3) + "rancher_kubernetes_engine_config:\n  services: {}\n"
                + "nodes_extra: 1\n");
        assertThat(i.findings(WarningCode.UNKNOWN_KEY)).allSatisfy(w -> assertThat(w.severity())
                .isEqualTo(Severity.INFO));
        assertThat(i.findings(WarningCode.UNKNOWN_KEY).get(0).message()).contains("Rancher cluster YAML");
    }

    @Test
    void duplicateKeysAreWarnings() {
        ConfigInspection i = inspect(etcdNodes(3) + "services:\n  etcd:\n    snapshot: false\n    snapshot: true\n");
        assertThat(i.findings(WarningCode.DUPLICATE_KEY)).singleElement()
                .satisfies(w -> assertThat(w.line()).isEqualTo(8));
        assertThat(i.backup().recurring()).isTrue();
    }

    @Test
    void s3Checks() {
        String head = etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n";
        ConfigInspection ca = inspect(head + "        bucket_name: b\n        endpoint: e\n"
                + "        custom_ca: not a pem\n");
        assertThat(ca.codes()).contains(WarningCode.CUSTOM_CA_NOT_PEM);
        ConfigInspection https = inspect(head + "        bucket_name: b\n        endpoint: https://minio:9000\n");
        assertThat(https.findings(WarningCode.ENDPOINT_HAS_SCHEME).get(0).message())
                .contains("endpoint: minio:9000").doesNotContain("plain HTTP");
        ConfigInspection empty = inspect(head + "        bucket_name: \"\"\n        endpoint: e\n");
        assertThat(empty.findings(WarningCode.S3_MISSING_BUCKET_OR_ENDPOINT).get(0).severity())
                .isEqualTo(Severity.ERROR);
        ConfigInspection keys = inspect(head + "        bucket_name: b\n        endpoint: e\n        secret_key: s\n");
        assertThat(keys.codes()).contains(WarningCode.S3_KEYS_INCOMPLETE);
        assertThat(keys.s3()).containsEntry("secret_key", "********").containsEntry("bucket_name", "b");
    }

    @Test
    void invalidNumbersAreFlagged() {
        ConfigInspection i = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 0\n      retention: 6\n");
        assertThat(i.codes()).contains(WarningCode.INVALID_BACKUP_VALUE)
                .doesNotContain(WarningCode.RETENTION_IS_A_COUNT);
        assertThat(i.backup().retentionWindow()).isZero();
    }

    @Test
    void versionsBeforeSnapshotsAreAnError() {
        ConfigInspection i = ConfigInspector.inspect(ClusterConfig.parse(etcdNodes(3), "c.yml"),
                RkeVersion.of(0, 1, 6));
        assertThat(i.codes()).contains(WarningCode.SNAPSHOTS_NOT_SUPPORTED_BY_VERSION);
        assertThat(i.hasErrors()).isTrue();
        assertThat(i.backup().recurring()).isFalse();
        assertThat(i.codes()).doesNotContain(WarningCode.RECURRING_DISABLED);
    }

    @Test
    void versionsNewerThanVerifiedAreFlaggedButTreatedAsNewest() {
        ConfigInspection i = ConfigInspector.inspect(ClusterConfig.parse(etcdNodes(3), "c.yml"),
                RkeVersion.of(1, 8, 2));
        assertThat(i.findings(WarningCode.RKE_VERSION_UNKNOWN).get(0).message()).contains("v1.8.2", "newer");
        assertThat(i.backup().manualFileName()).isEqualTo("<name>.zip");
        assertThat(i.toText()).contains("not verified");
        assertThat(i.toJson()).contains("\"rkeVersionKnown\" : false");
    }

    @Test
    void restoreArtifactsDependOnVersion() {
        ClusterConfig c = ClusterConfig.parse(etcdNodes(3), "c.yml");
        assertThat(ConfigInspector.effective(c, RkeVersion.of(0, 1, 7)).restoreArtifacts())
                .containsExactly(RestoreArtifact.SNAPSHOT, RestoreArtifact.CLUSTER_CONFIG);
        assertThat(ConfigInspector.effective(c, RkeVersion.of(0, 1, 8)).restoreArtifacts())
                .containsExactly(RestoreArtifact.SNAPSHOT, RestoreArtifact.CLUSTER_CONFIG, RestoreArtifact.PKI_BUNDLE);
        assertThat(ConfigInspector.effective(c, RkeVersion.of(0, 2, 0)).restoreArtifacts())
                .containsExactly(RestoreArtifact.SNAPSHOT, RestoreArtifact.CLUSTER_CONFIG, RestoreArtifact.STATE_FILE);
    }

    @Test
    void legacyDefaultsChangeInV0112() {
        ClusterConfig c = ClusterConfig.parse(etcdNodes(3) + "services:\n  etcd:\n    snapshot: true\n", "c.yml");
        EffectiveBackup old = ConfigInspector.effective(c, RkeVersion.of(0, 1, 11));
        assertThat(old.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(old.retentionWindow()).isEqualTo(Duration.ofHours(24));
        EffectiveBackup newer = ConfigInspector.effective(c, RkeVersion.of(0, 1, 12));
        assertThat(newer.interval()).isEqualTo(Duration.ofHours(12));
        assertThat(newer.retentionWindow()).isEqualTo(Duration.ofHours(72));
        assertThat(newer.retentionConfigured()).isEqualTo("72h (age, default)");
    }

    @Test
    void stateFileIsLookedForNextToTheConfig(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cluster.yml");
        Files.writeString(file, etcdNodes(3));
        ConfigInspection missing = ConfigInspector.inspect(ClusterConfig.load(file), V);
        assertThat(missing.codes()).contains(WarningCode.STATE_FILE_MISSING);
        assertThat(missing.stateFile()).isEqualTo(dir.resolve("cluster.rkestate").toString());
        Files.writeString(dir.resolve("cluster.rkestate"), "{}");
        assertThat(ConfigInspector.inspect(ClusterConfig.load(file), V).codes())
                .doesNotContain(WarningCode.STATE_FILE_MISSING);
        // before v0.2.0 there is no state file to look for
        ConfigInspection old = ConfigInspector.inspect(ClusterConfig.load(file), RkeVersion.of(0, 1, 18));
        assertThat(old.stateFile()).isEmpty();
    }

    @Test
    void textReportShowsTheFacts() {
        ConfigInspection i = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 6\n      retention: 4\n      s3backupconfig:\n        bucket_name: b\n"
                + "        endpoint: minio:9000\n        folder: f\n        access_key: AK\n        secret_key: SK\n");
        assertThat(i.toText()).contains("RKE version:         v1.6.6", "3 members, majority 2, tolerates 1 failure",
                "on, every 6h, retention 4 snapshots => kept 24h", "/opt/rke/etcd-snapshots/<RFC3339 time>_etcd.zip",
                "key prefix f/", "access_key=********").doesNotContain("AK,", "SK");
    }

    @Test
    void theMisspellingsNamedInTheIssueAreCaught() {
        ConfigInspection i = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n      intervalHours: 6\n"
                + "      s3_backup_config:\n        bucket_name: b\n      s3backupconfig:\n        bucket_name: b\n"
                + "        endpoint: e\n        endpoint_ca: x\n");
        assertThat(i.findings(WarningCode.UNKNOWN_BACKUP_KEY)).extracting(ConfigWarning::message)
                .anySatisfy(m -> assertThat(m).contains("intervalHours", "did you mean `interval_hours`"))
                .anySatisfy(m -> assertThat(m).contains("s3_backup_config", "did you mean `s3backupconfig`"))
                .anySatisfy(m -> assertThat(m).contains("endpoint_ca", "did you mean `custom_ca`"));
        assertThat(i.findings(WarningCode.UNKNOWN_BACKUP_KEY)).extracting(ConfigWarning::line)
                .containsExactlyInAnyOrder(8, 9, 14);
    }

    @Test
    void etcdAtTheTopLevelIsCaught() {
        ConfigInspection i = inspect(etcdNodes(3) + "etcd:\n  snapshot: true\n");
        assertThat(i.findings(WarningCode.UNKNOWN_BACKUP_KEY)).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("did you mean `services.etcd`"));
    }

    @Test
    void fractionsAreTruncatedLikeRkeAndFlagged() {
        ConfigInspection i = inspect(etcdNodes(3) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 0.5\n      retention: 6.9\n");
        assertThat(i.findings(WarningCode.INVALID_BACKUP_VALUE)).extracting(ConfigWarning::line)
                .contains(8, 9);
        assertThat(i.backup().interval()).isZero();
        ClusterConfig c = ClusterConfig.parse(etcdNodes(1) + "services:\n  etcd:\n    backup_config:\n"
                + "      interval_hours: 6.0\n      retention: 7.9\n", "c.yml");
        assertThat(c.etcd().backupConfig().orElseThrow().intervalHours()).hasValue(6);
        assertThat(c.etcd().backupConfig().orElseThrow().retention()).hasValue(7);
    }
}
