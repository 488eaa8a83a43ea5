package dev.rkebackup.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.etcd.testing.RkeEtcdCluster;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.backup.NodeConnector;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore} run to the end: prepare-restore's placement, the rke stand-in's {@code snapshot-restore}, then the
 * health of the real TLS etcd cluster through the etcd API. (The stand-in checks and logs like RKE but does not
 * rebuild etcd, so the cluster checked afterwards is the one that kept running.)
 */
class EtcdRestoreTest {
    @RegisterExtension
    static final RkeEtcdCluster ETCD = RkeEtcdCluster.of(3);

    @TempDir
    Path dir;

    @BeforeAll
    static void fill() {
        ETCD.loadRegistry(50, 3);
    }

    private record Setup(RkeStandin rke, ClusterConfig config, BackupRepository repo, Manifest set) {
    }

    private Setup setup() throws Exception {
        RkeStandin.Builder b = RkeStandin.builder("v1.6.3", dir.resolve("rke"));
        for (int i = 0; i < 3; i++) {
            b.node(ETCD.addresses().get(i), ETCD.endpoints().get(i));
        }
        RkeStandin rke = b.build();
        for (String a : ETCD.addresses()) {
            Files.createDirectories(rke.snapshotDir(a)); // RKE creates it on every etcd node it set up
        }
        Path cfg = Files.createDirectories(dir.resolve("cluster")).resolve("cluster.yml");
        Files.writeString(cfg, rke.clusterYaml(""));
        ETCD.writeStateFile(dir.resolve("cluster/cluster.rkestate"));
        ClusterConfig config = ClusterConfig.load(cfg);
        BackupRepository repo = BackupRepository.create(FileSystemObjectStore.create(dir.resolve("store")));
        Manifest m = EtcdBackup.builder(config, RkeVersion.parse("v1.6.3"), repo)
                .targets(EtcdTargets.direct().port(ETCD.clientPort())).build().run("r1").manifest();
        return new Setup(rke, config, repo, m);
    }

    private EtcdRestore restore(Setup s, Duration health) {
        return EtcdRestore.builder(s.repo, s.set.setId(), s.config, RkeRunner.builder(RkeBinary.at(
                s.rke.executable())).build(), NodeConnector.localDirectories(n -> s.rke.nodeRoot(n.address())))
                .targets(EtcdTargets.direct().port(ETCD.clientPort())).healthTimeout(health).build();
    }

    private static long files(Path root) throws Exception {
        try (Stream<Path> w = Files.walk(root)) {
            return w.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void dryRunListsEveryStepVerifiesAndTouchesNothing() throws Exception {
        Setup s = setup();
        RestoreRunReport plan = restore(s, Duration.ofSeconds(5)).dryRun();
        assertThat(plan.ok()).as(plan.describe()).isTrue();
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.describe()).contains("done    verify").contains("planned prepare: write snapshots/r1.zip")
                .contains("planned rke: run " + s.rke.executable() + " etcd snapshot-restore --config")
                .contains("--name r1").contains("planned health");
        assertThat(files(dir.resolve("rke/nodes"))).isZero();
        assertThat(s.rke.invocations().stream().filter(i -> "etcd snapshot-restore".equals(i.text("command"))))
                .isEmpty();
    }

    @Test
    void restoreRunsRkeAndEndsWithAHealthyClusterReport() throws Exception {
        Setup s = setup();
        RestoreRunReport r = restore(s, Duration.ofSeconds(30)).execute();
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.members()).hasSize(3).allMatch(MemberStatus::reachable);
        assertThat(r.members().stream().filter(MemberStatus::isLeader)).hasSize(1);
        assertThat(r.describe()).contains("done    rke").contains("done    health: 3 members healthy, one leader");
        for (String a : ETCD.addresses()) {
            assertThat(s.rke.snapshotDir(a).resolve("r1.zip")).exists();
        }
        var inv = s.rke.invocations().get(s.rke.invocations().size() - 1);
        assertThat(inv.text("command")).isEqualTo("etcd snapshot-restore");
        assertThat(inv.argv()).containsSubsequence("--name", "r1");
    }

    @Test
    void aMemberThatStaysDownAfterTheRestoreStopsWithAPerMemberReport() throws Exception {
        Setup s = setup();
        ETCD.stopMember(1);
        try {
            RestoreRunReport r = restore(s, Duration.ofSeconds(3)).execute();
            assertThat(r.ok()).isFalse();
            assertThat(r.describe()).contains("done    rke").contains("failed  health")
                    .contains("127.0.0.2 does not answer").contains("member 127.0.0.2: NOT HEALTHY")
                    .contains("next: rke restored the snapshot but the etcd cluster is not healthy");
        } finally {
            ETCD.startMember(1);
        }
    }

    @Test
    void aDamagedSetStopsBeforeAnythingIsTouched() throws Exception {
        Setup s = setup();
        try (Stream<Path> w = Files.walk(dir.resolve("store"))) {
            Path zip = w.filter(p -> p.toString().endsWith("r1.zip")).findFirst().orElseThrow();
            Files.write(zip, new byte[] {1, 2, 3});
        }
        RestoreRunReport r = restore(s, Duration.ofSeconds(3)).execute();
        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).contains("failed  prepare").contains("damaged").contains("next: nothing was restored");
        assertThat(files(dir.resolve("rke/nodes"))).isZero();
        assertThat(restore(s, Duration.ofSeconds(3)).dryRun().describe()).contains("failed  verify");
    }
}
