package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** snapshot-restore (built, shown, run separately) and rke up for recurring snapshots. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestoreAndUpTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();

    @TempDir
    Path tmp;

    @Test
    void restoreIsBuiltAndShownThenRunByASeparateCall() {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).build();
        assertThat(c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("r1").build()).isSuccess())
                .isTrue();
        int before = c.standin.invocations().size();
        RkeCommand cmd = c.runner.restoreCommand(RestoreRequest.builder(c.config, "r1").useLocalState(true).build());
        assertThat(c.standin.invocations()).hasSize(before); // building runs nothing
        assertThat(cmd.kind()).isEqualTo(RkeCommand.Kind.SNAPSHOT_RESTORE);
        assertThat(cmd.display()).isEqualTo(c.standin.executable() + " etcd snapshot-restore --config " + c.config
                + " --name r1 --use-local-state");
        assertThat(cmd.successMessage()).isEqualTo("Finished restoring snapshot [r1] on all etcd hosts");

        RkeRunResult r = c.runner.restore(cmd);
        assertThat(r.status()).isEqualTo(RkeRunResult.Status.SUCCESS);
        assertThat(r.confirmed()).isTrue();
        RkeStandin.Invocation inv = c.standin.invocations().get(c.standin.invocations().size() - 1);
        assertThat(inv.text("command")).isEqualTo("etcd snapshot-restore");
        assertThat(inv.text("configPath")).isEqualTo(c.config.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.1.18", "v0.2.8", "v1.2.8", "v1.3.14", "v1.3.15", "v1.4.2", "v1.6.3"})
    void saveThenRestoreAndUpWorkOnEveryEmulatedVersion(String version) {
        Cluster c = Cluster.builder(ETCD, version, tmp)
                .yaml("services:\n  etcd:\n    backup_config:\n      interval_hours: 6\n").build();
        assertThat(c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("v").build()).status())
                .isEqualTo(SnapshotStatus.SUCCESS);
        RkeRunResult restore = c.runner.restore(c.runner.restoreCommand(RestoreRequest.builder(c.config, "v")
                .build()));
        assertThat(restore.status()).as(restore.output().toString()).isEqualTo(RkeRunResult.Status.SUCCESS);
        RkeRunResult up = c.runner.up(c.config);
        assertThat(up.confirmed()).isTrue();
        assertThat(up.command().kind()).isEqualTo(RkeCommand.Kind.UP);
    }

    @Test
    void legacyRestoreNeedsTheSnapshotOnEveryNode() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v0.1.18", tmp).build();
        assertThat(c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("old").build()).isSuccess())
                .isTrue();
        Files.delete(c.standin.snapshotDir("10.0.0.3").resolve("old"));
        RkeRunResult r = c.runner.restore(c.runner.restoreCommand(RestoreRequest.builder(c.config, "old").build()));
        assertThat(r.status()).isEqualTo(RkeRunResult.Status.FAILED);
        assertThat(r.output()).allMatch(l -> l.stream() == RkeOutputLine.Stream.STDERR);
    }

    @Test
    void restoreOfAMissingSnapshotFails() {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).build();
        RkeRunResult r = c.runner.restore(c.runner.restoreCommand(RestoreRequest.builder(c.config, "nope").build()));
        assertThat(r.status()).isEqualTo(RkeRunResult.Status.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.confirmed()).isFalse();
        assertThat(r.failureMessage()).hasValueSatisfying(m -> assertThat(m)
                .startsWith("failed to start backup server on all etcd nodes"));
    }

    @Test
    void restoreRefusesKeysOnTheCommandLineWithoutOptInAndFlagsTheVersionLacks() {
        Cluster c = Cluster.builder(ETCD, "v1.1.4", tmp).build();
        S3BackupConfig s3 = S3BackupConfig.builder().accessKey(Secret.of(Cluster.ACCESS_KEY))
                .secretKey(Cluster.SECRET_KEY).bucketName("backups").endpoint("minio.example.com:9000").build();
        assertThatThrownBy(() -> c.runner.restoreCommand(RestoreRequest.builder(c.config, "r").s3(s3).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("keysOnCommandLine(true)")
                .hasMessageNotContaining(Cluster.SECRET_KEY.reveal());
        RkeCommand withKeys = c.runner.restoreCommand(RestoreRequest.builder(c.config, "r").s3(s3)
                .keysOnCommandLine(true).build());
        assertThat(withKeys.display()).contains("--secret-key '" + Secret.REDACTED + "'")
                .doesNotContain(Cluster.SECRET_KEY.reveal()).doesNotContain(Cluster.ACCESS_KEY);
        assertThat(withKeys.toString()).isEqualTo(withKeys.display());
        assertThatThrownBy(() -> c.runner.restoreCommand(RestoreRequest.builder(c.config, "r").useLocalState(true)
                .build())).isInstanceOf(InvalidInputException.class).hasMessageContaining("--use-local-state needs "
                + "RKE v1.1.5").hasMessageContaining("v1.1.4");
        assertThatThrownBy(() -> c.runner.restore(c.runner.up(c.config).command()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RestoreRequest.builder(c.config, "r.zip")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void recurringSnapshotsAreWrittenIntoTheConfigAndAppliedWithUp() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).build();
        RecurringSnapshotsResult r = c.runner.applyRecurringSnapshots(c.config);
        assertThat(r.confirmed()).isTrue();
        assertThat(r.up().status()).isEqualTo(RkeRunResult.Status.SUCCESS);
        assertThat(r.configChanged()).isTrue();
        assertThat(r.configBackup()).hasValueSatisfying(b -> assertThat(b).exists());
        assertThat(r.diff()).contains("interval_hours");
        assertThat(ClusterConfig.load(c.config).etcd().backupConfig()).isPresent();
        RkeStandin.Invocation inv = c.standin.invocations().get(c.standin.invocations().size() - 1);
        assertThat(inv.argv().subList(1, inv.argv().size())).containsExactly("up", "--config", c.config.toString());
        assertThat(inv.json().path("recurring").path("enabled").asBoolean()).isTrue();
        assertThat(inv.json().path("recurring").path("creation").asText()).isEqualTo("12h");
        assertThat(inv.json().path("recurring").path("retention").asText()).isEqualTo("72h");
        assertThat(c.configDir.resolve("rancher-cluster.rkestate")).exists();

        RecurringSnapshotsResult again = c.runner.applyRecurringSnapshots(c.config);
        assertThat(again.configChanged()).isFalse();
        assertThat(again.confirmed()).isTrue();
    }

    @Test
    void legacyVersionGetsSnapshotTrueAndItsOwnDefaultSchedule() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v0.1.9", tmp).noStateFile()
                .yaml("services:\n  etcd:\n    snapshot: false\n").build();
        RecurringSnapshotsResult r = c.runner.applyRecurringSnapshots(c.config);
        assertThat(r.confirmed()).isTrue();
        RkeStandin.Invocation inv = c.standin.invocations().get(c.standin.invocations().size() - 1);
        assertThat(inv.json().path("recurring").path("enabled").asBoolean()).isTrue();
        // v0.1.7-v0.1.11 defaults when creation/retention are unset: every 5m0s, keep 24h (rke-facts 2.1)
        assertThat(inv.json().path("recurring").path("creation").asText()).isEqualTo("5m0s");
        assertThat(inv.json().path("recurring").path("retention").asText()).isEqualTo("24h");
        assertThat(Files.readString(c.config)).contains("snapshot: true");
    }

    @Test
    void failedUpIsReportedAsNotConfirmed() {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).configure(b -> b.upFails(true)).build();
        RecurringSnapshotsResult r = c.runner.applyRecurringSnapshots(c.config);
        assertThat(r.confirmed()).isFalse();
        assertThat(r.up().status()).isEqualTo(RkeRunResult.Status.FAILED);
        assertThat(r.up().exitCode()).isEqualTo(1);
        assertThat(r.up().failureMessage()).hasValueSatisfying(m -> assertThat(m).contains("Etcd Plane"));
    }
}
