package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every emulated version through the real path: commons-exec, the rke stand-in, a real 3-member etcd. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotSaveVersionsTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadData() {
        ETCD.loadKeys("/registry/pods/", 300, 512);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.1.18", "v0.2.4", "v0.2.8", "v1.1.4", "v1.2.8", "v1.3.12", "v1.3.15", "v1.4.3",
        "v1.5.10", "v1.6.3"})
    void savesRealSnapshotsTheWayEachVersionDoes(String version) throws Exception {
        Cluster c = Cluster.builder(ETCD, version, tmp).build();
        RkeVersion v = RkeVersion.parse(version);
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("nightly").build());

        assertThat(r.status()).as(r.toString()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(r.isSuccess()).isTrue();
        assertThat(r.exitCode()).isZero();
        assertThat(r.fileName()).isEqualTo(v.has(RkeFeature.ZIPPED_SNAPSHOTS) ? "nightly.zip" : "nightly");
        assertThat(r.expectedFiles()).containsOnlyKeys(Cluster.ETCD_HOSTS);
        assertThat(r.s3Key()).isEmpty();
        for (String host : Cluster.ETCD_HOSTS) {
            Path file = c.standin.snapshotDir(host).resolve(r.fileName());
            assertThat(file).exists();
            if (v.has(RkeFeature.ZIPPED_SNAPSHOTS)) {
                assertThat(SnapshotFiles.checkZip(file, "nightly")).as("zip entries of %s", version)
                        .containsExactlyElementsOf(v.has(RkeFeature.STATE_IN_SNAPSHOT)
                                ? java.util.List.of("/backup/nightly", "/etc/kubernetes/nightly.rkestate")
                                : java.util.List.of("/backup/nightly"));
            } else {
                SnapshotFiles.checkPlain(file);
            }
            if (v.isAtLeast(0, 2, 7)) {
                assertThat(SnapshotFiles.mode(file)).isEqualTo("rw-------");
            }
            assertThat(c.standin.snapshotDir(host).resolve("pki.bundle.tar.gz").toFile().exists())
                    .isEqualTo(v.has(RkeFeature.PKI_BUNDLE));
        }
        RkeOutputLine.Stream expected = v.has(RkeFeature.LOGS_TO_STDOUT) ? RkeOutputLine.Stream.STDOUT
                : RkeOutputLine.Stream.STDERR;
        assertThat(c.heard).isNotEmpty().allMatch(l -> l.stream() == expected);
        assertThat(c.heard).anyMatch(l -> l.level() == RkeLogLevel.INFO
                && l.message().equals(v.finalSaveMessage("nightly")));
        assertThat(r.output()).containsExactlyElementsOf(c.heard);

        RkeStandin.Invocation inv = c.standin.invocations().get(c.standin.invocations().size() - 1);
        assertThat(inv.argv().subList(1, inv.argv().size())).containsExactly("etcd", "snapshot-save", "--config",
                inv.text("configPath"), "--name", "nightly");
        Path usedConfig = Path.of(inv.text("configPath"));
        assertThat(usedConfig.getParent().getParent()).isEqualTo(c.workDir);
        assertThat(usedConfig.getFileName().toString()).isEqualTo("rancher-cluster.yml");
        assertThat(inv.text("configMode")).isEqualTo("0o600");
        assertThat(inv.text("configDirMode")).isEqualTo("0o700");
        assertThat(inv.text("cwd")).isEqualTo(c.configDir.toString());
        assertThat(inv.json().path("stateFileNextToConfig").asBoolean()).isTrue();
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).as("private copy removed").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.3.13", "v1.3.14", "v1.4.0", "v1.4.2"})
    void knownPanicAfterSaveWithoutBackupConfig(String version) throws Exception {
        Cluster c = Cluster.builder(ETCD, version, tmp).build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("p1").build());
        assertThat(r.status()).as(r.toString()).isEqualTo(SnapshotStatus.PANIC_AFTER_SAVE);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.failureMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("panic: runtime error"));
        assertThat(r.expectedFiles()).containsOnlyKeys(Cluster.ETCD_HOSTS);
        for (String host : Cluster.ETCD_HOSTS) {
            SnapshotFiles.checkZip(c.standin.snapshotDir(host).resolve("p1.zip"), "p1");
        }
        assertThat(c.heard).anyMatch(l -> l.stream() == RkeOutputLine.Stream.STDERR
                && l.message().startsWith("goroutine 1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.3.14", "v1.4.2"})
    void panicVersionsSucceedWithBackupConfig(String version) {
        Cluster c = Cluster.builder(ETCD, version, tmp)
                .yaml("services:\n  etcd:\n    backup_config:\n      interval_hours: 6\n      retention: 4\n").build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("p2").build());
        assertThat(r.status()).as(r.toString()).isEqualTo(SnapshotStatus.SUCCESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.3.15", "v1.6.3"})
    void withoutALocalStateFileTheZipHasOnlyTheDatabase(String version) throws Exception {
        Cluster c = Cluster.builder(ETCD, version, tmp).noStateFile().build();
        SnapshotResult r = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("nostate").build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(SnapshotFiles.checkZip(c.standin.snapshotDir("10.0.0.2").resolve("nostate.zip"), "nostate"))
                .containsExactly("/backup/nostate");
        assertThat(c.heard).anyMatch(l -> l.level() == RkeLogLevel.WARNING
                && l.message().startsWith("Could not read cluster state file from ["));
    }
}
