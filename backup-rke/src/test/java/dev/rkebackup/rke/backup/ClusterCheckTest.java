package dev.rkebackup.rke.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The prerequisite checks against the stand-in cluster, and the order of a failing night. */
@Timeout(120)
class ClusterCheckTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    @Test
    void nodesReportSnapshotSpaceAndTheTableMarksThisCluster() {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("one");
        List<ClusterCheck.Item> nodes = ClusterCheck.nodes(c.config(), c.nodes(), "/opt/rke/etcd-snapshots");
        assertThat(nodes).hasSize(3).allSatisfy(i -> assertThat(i.status()).isEqualTo(ClusterCheck.Status.OK));
        for (int i = 0; i < 3; i++) {
            long size = c.snapshotFile(StandinCluster.HOSTS.get(i), "one").toFile().length();
            assertThat(nodes.get(i).snapshotBytes()).isEqualTo(size);
            assertThat(nodes.get(i).detail()).contains(size + " bytes of snapshots");
        }
        assertThat(ClusterCheck.faultToleranceTable(3).lines()).contains(
                "3        2         1                  <-- this cluster", "5        3         2                 ");
        assertThat(ClusterCheck.faultToleranceTable(3).lines()).hasSize(10);
        assertThat(ClusterCheck.local(c.config(), c.version)).extracting(ClusterCheck.Item::status)
                .containsOnly(ClusterCheck.Status.OK);
        assertThat(ClusterCheck.local(c.config(), RkeVersion.parse("v0.1.6")).get(0).status())
                .isEqualTo(ClusterCheck.Status.FAIL);
        assertThat(ClusterCheck.store(FileSystemObjectStore.create(tmp.resolve("s"))).status())
                .isEqualTo(ClusterCheck.Status.OK);
    }

    @Test
    void aMissingStateFileFailsOnVersionsThatRestoreOnlyFromIt() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.0.8", tmp);
        Files.delete(c.configFile.resolveSibling("rancher-cluster.rkestate"));
        assertThat(ClusterCheck.local(c.config(), c.version)).filteredOn(i -> i.name().equals("state file"))
                .singleElement().satisfies(i -> assertThat(i.status()).isEqualTo(ClusterCheck.Status.FAIL));
    }

    @Test
    void unreachableNodesFailTheBackupBeforeRkeRuns() {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        NodeConnector noKey = n -> {
            throw new NodeAccessException(NodeAccessException.Problem.AUTH_REFUSED, n.address(),
                    "the SSH key ~/.ssh/id_rsa does not exist", null);
        };
        assertThatThrownBy(() -> RkeBackup.builder(c.config(), c.version, c.repository, noKey).build()
                .snapshotAndCollect(c.runner, SnapshotSaveRequest.builder(c.configFile).name("n").build()))
                .isInstanceOf(BackupException.class).hasMessageContaining("no snapshot was taken")
                .hasMessageContaining("id_rsa does not exist");
        assertThat(c.standin.invocations()).noneMatch(i -> i.text("command").equals("etcd snapshot-save"));
    }
}
