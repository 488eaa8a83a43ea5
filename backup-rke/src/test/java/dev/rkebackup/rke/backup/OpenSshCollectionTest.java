package dev.rkebackup.rke.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection and restore preparation against Debian's OpenSSH server: four sshd processes as etcd nodes, each with
 * its own snapshot directory (a tmpfs in a private mount namespace; node 3's is 1 MiB, smaller than the snapshot),
 * holding a real etcd snapshot zip from the rke stand-in owned by root with mode 0600, as RKE v0.2.7+ leaves it.
 * Real sudo for the unprivileged login, real ENOSPC, real killed sshd processes.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenSshCollectionTest {
    private static final String NAME = "openssh-snap";
    private static final RkeVersion VERSION = RkeVersion.parse("v1.6.3");
    private static final String SUDO = OpenSshCluster.SUDO_USER;

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    static Path shared;
    private static OpenSshCluster nodes;
    private static Path zip;
    private static String zipSha;

    @TempDir
    Path tmp;
    private BackupRepository repository;

    @BeforeAll
    static void start() throws Exception {
        ETCD.loadKeys("/registry/pods/", 6_000, 1_000);
        StandinCluster standin = new StandinCluster(ETCD, VERSION.toString(), shared);
        standin.snapshot(NAME);
        zip = standin.snapshotFile("10.0.0.1", NAME);
        zipSha = RkeBackupTest.sha256(zip);
        nodes = OpenSshCluster.start("32m", "32m", "32m", "1m");
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @BeforeEach
    void rootOnlySnapshotOnNodes012() throws Exception {
        for (int i = 0; i < 4; i++) {
            wipe(i);
        }
        for (int i = 0; i < 3; i++) {
            nodes.putRootOnly(i, zip);
        }
        repository = BackupRepository.create(FileSystemObjectStore.create(tmp.resolve("store")));
    }

    private static void wipe(int node) throws IOException {
        try (Stream<Path> s = Files.list(nodes.nodeDir(node))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }

    private ClusterConfig config(List<Integer> which, List<String> users) throws IOException {
        return nodes.writeConfig(tmp.resolve("cluster"), which, users);
    }

    private RkeBackup.Builder job(ClusterConfig config, boolean sudo) {
        return job(config, NodeConnector.ssh(SshEndpoints.fromConfig(config, nodes.options(sudo))));
    }

    private RkeBackup.Builder job(ClusterConfig config, NodeConnector connector) {
        return RkeBackup.builder(config, VERSION, repository, connector)
                .snapshotDirectory(nodes.snapshotDir.toString());
    }

    private RestorePreparation.Builder restore(Manifest m, ClusterConfig config, NodeConnector connector) {
        return RestorePreparation.builder(repository, m.setId(), config, VERSION, connector)
                .snapshotDirectory(nodes.snapshotDir.toString());
    }

    private RestorePreparation.Builder restore(Manifest m, ClusterConfig config, boolean sudo) {
        return restore(m, config, NodeConnector.ssh(SshEndpoints.fromConfig(config, nodes.options(sudo))));
    }

    private String remote() {
        return nodes.snapshotDir + "/" + NAME + ".zip";
    }

    @Test
    void rootOnlySnapshotWithoutSudoNamesFileOwnerAndFixAndTheNextNodeIsTried() throws Exception {
        ClusterConfig config = config(List.of(0, 1, 2), List.of(SUDO, "root", SUDO));
        BackupResult r = job(config, false).build().collect(NAME);
        assertThat(r.ok()).isTrue();
        NodeReport denied = r.nodes().get(0);
        assertThat(denied.status()).isEqualTo(NodeReport.Status.FAILED);
        assertThat(denied.detail()).contains(remote(), "root", "0600", "user '" + SUDO + "'", "allow sudo");
        assertThat(r.nodes().get(1).status()).isEqualTo(NodeReport.Status.OK);
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement().satisfies(a -> {
            assertThat(a.source().host()).isEqualTo(nodes.label(1));
            assertThat(a.sha256()).isEqualTo(zipSha);
        });

        ClusterConfig unprivileged = config(List.of(0, 1, 2), List.of(SUDO, SUDO, SUDO));
        assertThatThrownBy(() -> job(unprivileged, false).build().collect(NAME))
                .isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining(nodes.label(2) + ": failed").hasMessageContaining("allow sudo");
        assertThat(repository.listSets()).hasSize(1);
    }

    @Test
    void wholeCollectionAndRestorePreparationThroughSudoOnOpenSsh() throws Exception {
        ClusterConfig config = config(List.of(0, 1, 2), List.of(SUDO, SUDO, SUDO));
        BackupResult r = job(config, true).strategy(CollectionStrategy.ALL_NODES).build().collect(NAME);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(r.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.OK);
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).hasSize(3)
                .allSatisfy(a -> assertThat(a.sha256()).isEqualTo(zipSha))
                .allSatisfy(a -> assertThat(a.attributes()).containsEntry("stateEntry", "true"));
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).extracting(ArtifactEntry::path)
                .contains("snapshots/" + nodes.label(0) + "/" + NAME + ".zip");

        for (int i = 0; i < 3; i++) {
            wipe(i); // the nodes were rebuilt
        }
        RestoreResult prepared = restore(r.manifest(), config, true).build().execute();
        assertThat(prepared.ok()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(nodes.listing(i)).containsExactly(NAME + ".zip");
            Path f = nodes.nodeDir(i).resolve(NAME + ".zip");
            assertThat(RkeBackupTest.sha256(f)).isEqualTo(zipSha);
            assertThat(Files.getOwner(f, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        }
        assertThat(prepared.restoreCommand()).endsWith("--name " + NAME);
        assertThat(restore(r.manifest(), config, true).build().execute().nodes()).extracting(NodeReport::status)
                .containsOnly(NodeReport.Status.UNCHANGED);
    }

    @Test
    void aNodeWhoseDiskFillsDuringRestorePreparationKeepsNoPartialFile() throws Exception {
        Manifest m = job(config(List.of(0, 1, 2), List.of("root", "root", "root")), false).build().collect(NAME)
                .manifest();
        wipe(0);
        wipe(2);
        for (boolean sudo : new boolean[] {false, true}) {
            ClusterConfig withFullNode = config(List.of(0, 3, 2), List.of(sudo ? SUDO : "root",
                    sudo ? SUDO : "root", sudo ? SUDO : "root"));
            // the edited cluster.yml (another node set) differs from the stored one: force places the stored one
            assertThatThrownBy(() -> restore(m, withFullNode, sudo).force(true).build().execute())
                    .isInstanceOfSatisfying(RestoreNotReadyException.class, e -> {
                        assertThat(e.result().nodes()).as(e.getMessage()).extracting(NodeReport::status)
                                .containsExactly(sudo ? NodeReport.Status.UNCHANGED : NodeReport.Status.OK,
                                NodeReport.Status.FAILED,
                                sudo ? NodeReport.Status.UNCHANGED : NodeReport.Status.OK);
                        assertThat(e.result().nodes().get(1).detail()).contains("full", remote());
                    });
            assertThat(nodes.listing(3)).as("sudo=%s: nothing is left on the full node", sudo).isEmpty();
            assertThat(nodes.listing(0)).containsExactly(NAME + ".zip");
        }
    }

    @Test
    void connectionsKilledMidTransferNeverYieldAStoredCopyOrAFileUnderTheRealName() throws Exception {
        ClusterConfig config = config(List.of(0, 1, 2), List.of(SUDO, SUDO, SUDO));
        NodeConnector ssh = NodeConnector.ssh(SshEndpoints.fromConfig(config, nodes.options(true)));
        LinkCutter readCut = new LinkCutter(ssh, nodes.server(0).port(), 256 * 1024,
                nodes.server(0)::dropConnections);
        BackupResult r = job(config, readCut).build().collect(NAME);
        assertThat(readCut.cutAfter()).isPositive();
        assertThat(r.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.UNREACHABLE,
                NodeReport.Status.OK, NodeReport.Status.NOT_NEEDED);
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.sha256()).isEqualTo(zipSha));

        wipe(1);
        LinkCutter writeCut = new LinkCutter(ssh, nodes.server(1).port(), 512 * 1024,
                nodes.server(1)::dropConnections);
        assertThatThrownBy(() -> restore(r.manifest(), config, writeCut).build().execute())
                .isInstanceOfSatisfying(RestoreNotReadyException.class, e -> assertThat(e.result().nodes())
                        .extracting(NodeReport::status).containsExactly(NodeReport.Status.UNCHANGED,
                                NodeReport.Status.UNREACHABLE, NodeReport.Status.UNCHANGED));
        assertThat(writeCut.cutAfter()).isPositive();
        assertThat(nodes.listing(1)).doesNotContain(NAME + ".zip")
                .allSatisfy(n -> assertThat(n).startsWith(".rkb-tmp-" + NAME + ".zip-"));

        assertThat(restore(r.manifest(), config, true).build().execute().nodes()).extracting(NodeReport::status)
                .containsExactly(NodeReport.Status.UNCHANGED, NodeReport.Status.OK, NodeReport.Status.UNCHANGED);
        assertThat(RkeBackupTest.sha256(nodes.nodeDir(1).resolve(NAME + ".zip"))).isEqualTo(zipSha);
    }
}
