package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.CommandException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each outcome of snapshot-save, driven through the real process path. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotOutcomesTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();

    @TempDir
    Path tmp;

    private static SnapshotSaveRequest.Builder request(Cluster c) {
        return SnapshotSaveRequest.builder(c.config).name("s1");
    }

    private static S3BackupConfig s3() {
        return S3BackupConfig.builder().accessKey(Secret.of(Cluster.ACCESS_KEY)).secretKey(Cluster.SECRET_KEY)
                .bucketName("backups").endpoint("minio.example.com:9000").build();
    }

    @Test
    void partialFailureExitsZeroButIsNotSuccess() {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).fault("10.0.0.2", Fault.SNAPSHOT_FAIL).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.exitCode()).isZero();
        assertThat(r.status()).isEqualTo(SnapshotStatus.PARTIAL_FAILURE);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.failedHostCount()).isEqualTo(1);
        assertThat(c.heard)
                .anyMatch(l -> l.message().equals("[etcd] Failed to take snapshot on %!s(int=1) etcd hosts"));
        assertThat(c.standin.snapshotDir("10.0.0.2").resolve("s1.zip")).doesNotExist();
        assertThat(c.standin.snapshotDir("10.0.0.3").resolve("s1.zip")).exists();
    }

    @Test
    void etcdNotRunningCountsAsFailedHost() {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).fault("10.0.0.1", Fault.ETCD_NOT_RUNNING)
                .fault("10.0.0.3", Fault.CONTAINER_TIMEOUT).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.PARTIAL_FAILURE);
        assertThat(r.failedHostCount()).isEqualTo(2);
    }

    @Test
    void allHostsFailedIsAFailureNamingTheFirstHost() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).fault("10.0.0.1", Fault.SNAPSHOT_FAIL)
                .fault("10.0.0.2", Fault.SNAPSHOT_FAIL).fault("10.0.0.3", Fault.ETCD_NOT_RUNNING).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.failedHostCount()).isEqualTo(3);
        assertThat(r.failedHosts()).contains("10.0.0.1");
        assertThat(r.expectedFiles()).isEmpty();
        assertThat(r.failureMessage()).hasValueSatisfying(m -> assertThat(m)
                .startsWith("[etcd] Failed to take snapshot on all etcd hosts"));
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).as("private copy removed after a failure").isEmpty();
        }
    }

    @Test
    void withoutANameRkesDefaultRuleIsAppliedAndPassedExplicitly() {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).build();
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2024-05-01T10:15:30.25Z"),
                java.time.ZoneOffset.ofHours(2));
        RkeRunner runner = RkeRunner.builder(c.runner.binary()).clock(clock).workDirectory(c.workDir).build();
        SnapshotResult r = runner.snapshotSave(SnapshotSaveRequest.builder(c.config).build());
        assertThat(r.snapshotName()).isEqualTo("rke_etcd_snapshot_2024-05-01T12:15:30+02:00");
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(c.standin.snapshotDir("10.0.0.2").resolve("rke_etcd_snapshot_2024-05-01T12:15:30+02:00.zip"))
                .exists();
        assertThat(c.standin.invocations().get(c.standin.invocations().size() - 1).argv())
                .containsSubsequence("--name", "rke_etcd_snapshot_2024-05-01T12:15:30+02:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.1.18", "v0.2.8", "v1.2.8", "v1.3.12"})
    void beforeV1313TheFirstFailingHostAbortsTheRun(String version) {
        Cluster c = Cluster.builder(ETCD, version, tmp).fault("10.0.0.2", Fault.SNAPSHOT_FAIL).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.failedHosts()).containsExactly("10.0.0.2");
        assertThat(r.expectedFiles()).containsOnlyKeys("10.0.0.1");
        assertThat(c.standin.snapshotDir("10.0.0.1").resolve(r.fileName())).exists();
        assertThat(c.standin.snapshotDir("10.0.0.3").resolve(r.fileName())).doesNotExist();
    }

    @Test
    void unreachableEtcdHostIsDropped() {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).unreachable("10.0.0.9").build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.exitCode()).isZero();
        assertThat(r.status()).isEqualTo(SnapshotStatus.HOSTS_DROPPED);
        assertThat(r.droppedHosts()).containsExactly("10.0.0.9");
        assertThat(r.etcdHosts()).contains("10.0.0.9");
        assertThat(r.expectedFiles()).containsOnlyKeys(Cluster.ETCD_HOSTS);
    }

    @Test
    void unreachableWorkerDoesNotSpoilTheSnapshot() {
        Cluster c = Cluster.builder(ETCD, "v1.2.8", tmp).configure(b -> b.unreachableWorker("10.0.1.5")).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.SUCCESS);
        assertThat(r.droppedHosts()).containsExactly("10.0.1.5");
    }

    @Test
    void partialUploadFailureIsAnUploadFailureWithExitZero() {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).fault("10.0.0.3", Fault.UPLOAD_FAIL).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).s3(s3()).build());
        assertThat(r.exitCode()).isZero();
        assertThat(r.status()).isEqualTo(SnapshotStatus.UPLOAD_FAILED);
        assertThat(r.uploadFailedHostCount()).isEqualTo(1);
        assertThat(r.failedHostCount()).isZero();
        assertThat(r.expectedFiles()).containsOnlyKeys(Cluster.ETCD_HOSTS);
        assertThat(c.standin.s3Object("backups", "s1.zip")).exists();
    }

    @Test
    void allUploadsFailedIsAnUploadFailureWithExitOne() {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).fault("10.0.0.1", Fault.UPLOAD_FAIL)
                .fault("10.0.0.2", Fault.UPLOAD_FAIL).fault("10.0.0.3", Fault.UPLOAD_FAIL).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).s3(s3()).build());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.status()).isEqualTo(SnapshotStatus.UPLOAD_FAILED);
        assertThat(r.uploadFailedHostCount()).isEqualTo(3);
        assertThat(r.expectedFiles()).containsOnlyKeys(Cluster.ETCD_HOSTS);
        assertThat(c.standin.s3Object("backups", "s1.zip")).doesNotExist();
    }

    @Test
    void timeoutKillsRkeKeepsOutputAndRemovesTheCopy() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).configure(b -> b.hang(true)).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).s3(s3()).timeout(Duration.ofSeconds(2)).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.TIMED_OUT);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(20));
        assertThat(r.output()).anyMatch(l -> l.message().equals("Starting saving snapshot on etcd hosts"));
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void hangOnTheSecondHostNamesTheHostsThatMayHoldFiles() {
        Cluster c = Cluster.builder(ETCD, "v1.2.8", tmp).fault("10.0.0.2", Fault.HANG)
                .timeout(Duration.ofSeconds(3)).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.TIMED_OUT);
        assertThat(r.expectedFiles()).containsOnlyKeys("10.0.0.1", "10.0.0.2");
    }

    @Test
    void interruptingTheCallerCancelsTheRun() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).configure(b -> b.hang(true)).build();
        AtomicReference<SnapshotResult> result = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread t = new Thread(() -> {
            result.set(c.runner.snapshotSave(request(c).build()));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (c.heard.stream().noneMatch(l -> l.message().startsWith("Starting saving"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        t.interrupt();
        t.join(20_000);
        assertThat(result.get().status()).isEqualTo(SnapshotStatus.CANCELLED);
        assertThat(stillInterrupted.get()).isTrue();
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void parallelRunsOfOneRunnerUseSeparatePrivateCopies() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.6.3", tmp).build();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("pa").build()));
            var b = pool.submit(() -> c.runner.snapshotSave(SnapshotSaveRequest.builder(c.config).name("pb").build()));
            assertThat(a.get().status()).isEqualTo(SnapshotStatus.SUCCESS);
            assertThat(b.get().status()).isEqualTo(SnapshotStatus.SUCCESS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.standin.invocations()).filteredOn(i -> i.text("command").equals("etcd snapshot-save"))
                .extracting(i -> i.text("configPath")).doesNotHaveDuplicates().hasSize(2);
        assertThat(c.standin.snapshotDir("10.0.0.1").resolve("pa.zip")).exists();
        assertThat(c.standin.snapshotDir("10.0.0.1").resolve("pb.zip")).exists();
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void exitZeroWithoutTheFinalMessageIsUnconfirmed() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).build();
        Path fake = tmp.resolve("fake/rke");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'rke version v1.3.15'; exit 0; fi\n"
                + "echo 'time=\"2024-01-01T00:00:00Z\" level=info msg=\"Starting saving snapshot on etcd hosts\"'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        RkeRunner runner = RkeRunner.builder(RkeBinary.at(fake)).workDirectory(c.workDir).build();
        SnapshotResult r = runner.snapshotSave(request(c).build());
        assertThat(r.exitCode()).isZero();
        assertThat(r.status()).isEqualTo(SnapshotStatus.UNCONFIRMED);
    }

    @Test
    void ttyFormattedOutputIsUnderstoodToo() {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).fault("10.0.0.2", Fault.SNAPSHOT_FAIL)
                .configure(b -> b.tty(true)).build();
        SnapshotResult r = c.runner.snapshotSave(request(c).build());
        assertThat(r.status()).isEqualTo(SnapshotStatus.PARTIAL_FAILURE);
        // multi-line messages continue on lines of their own in the TTY form, as with real logrus
        assertThat(c.heard).filteredOn(l -> l.level() == RkeLogLevel.UNKNOWN)
                .allMatch(l -> l.message().strip().equals("], stdout: []"));
        assertThat(c.heard).anyMatch(l -> l.level() == RkeLogLevel.WARNING
                && l.message().equals("[etcd] Failed to take snapshot on %!s(int=1) etcd hosts"));
        assertThat(r.output().get(0).raw()).doesNotContain("\u001b").startsWith("INFO[0000] Running RKE version");
    }

    @Test
    void aBinaryThatDisappearedFailsToStartWithAClearError() throws Exception {
        Cluster c = Cluster.builder(ETCD, "v1.3.15", tmp).build();
        Files.delete(c.standin.executable());
        assertThatThrownBy(() -> c.runner.snapshotSave(request(c).build())).isInstanceOf(CommandException.class)
                .hasMessageContaining("Cannot start").hasMessageContaining("still exists");
        try (Stream<Path> left = Files.list(c.workDir)) {
            assertThat(left).isEmpty();
        }
        assertThat(List.of(Cluster.SECRET_KEY.toString())).containsExactly(Secret.REDACTED);
    }
}
