package dev.rkebackup.rke.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore preparation over real SSH (one in-JVM SSH/SFTP server per etcd node): the verified snapshot is written on
 * every node under a temporary name, renamed, and its SHA-256 confirmed; faults never leave a partial file under the
 * real name.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SshRestorePreparationTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    private SshCluster cluster;

    @BeforeAll
    static void load() {
        ETCD.loadKeys("/registry/configmaps/", 6_000, 1_000);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Takes and collects a snapshot, then wipes every node's snapshot directory (the nodes were rebuilt). */
    private Manifest backedUpThenNodesWiped(String name) throws Exception {
        return backedUpThenNodesWiped(name, "v1.6.3");
    }

    private Manifest backedUpThenNodesWiped(String name, String version) throws Exception {
        cluster = SshCluster.start(ETCD, version, tmp);
        cluster.standin.snapshot(name);
        Manifest m = cluster.job().build().collect(name).manifest();
        for (int i = 0; i < 3; i++) {
            try (var files = Files.list(cluster.snapshotDir(i))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        return m;
    }

    @Test
    void theSameSnapshotIsPlacedAndConfirmedOnEveryNodeOverSsh() throws Exception {
        Manifest m = backedUpThenNodesWiped("pre-upgrade");
        SshCluster c = cluster;
        String sha = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).sha256();

        RestoreResult dry = c.restore(m.setId()).build().dryRun();
        assertThat(dry.steps()).anySatisfy(s -> assertThat(s).contains(c.label(2)
                + ":/opt/rke/etcd-snapshots/pre-upgrade.zip"));
        for (int i = 0; i < 3; i++) {
            assertThat(c.listing(i)).as("a dry run touches no node").isEmpty();
        }

        RestoreResult r = c.restore(m.setId()).build().execute();
        assertThat(r.ok()).isTrue();
        assertThat(r.nodes()).extracting(NodeReport::host).containsExactlyElementsOf(c.labels());
        assertThat(r.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.OK);
        for (int i = 0; i < 3; i++) {
            assertThat(c.listing(i)).containsExactly("pre-upgrade.zip");
            Path f = c.snapshotFile(i, "pre-upgrade");
            assertThat(RkeBackupTest.sha256(f)).isEqualTo(sha);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        }
        assertThat(r.restoreCommand()).isEqualTo("rke etcd snapshot-restore --config "
                + c.configFile.toAbsolutePath() + " --name pre-upgrade");
        assertThat(c.restore(m.setId()).build().execute().nodes()).extracting(NodeReport::status)
                .containsOnly(NodeReport.Status.UNCHANGED);
    }

    @Test
    void aDifferentSnapshotOnANodeIsLeftAloneAndAnUnreachableNodeIsReported() throws Exception {
        Manifest m = backedUpThenNodesWiped("keep");
        SshCluster c = cluster;
        Path foreign = Files.writeString(c.snapshotFile(1, "keep"), "another cluster's snapshot");
        c.ssh.node(2).stop();
        assertThatThrownBy(() -> c.restore(m.setId()).build().execute())
                .isInstanceOfSatisfying(RestoreNotReadyException.class, e -> {
                    assertThat(e.result().nodes()).extracting(NodeReport::status).containsExactly(
                            NodeReport.Status.OK, NodeReport.Status.FAILED, NodeReport.Status.UNREACHABLE);
                    assertThat(e.getMessage()).contains(c.label(1), "already exists", c.label(2));
                });
        assertThat(Files.readString(foreign)).isEqualTo("another cluster's snapshot");
        assertThat(c.listing(1)).containsExactly("keep.zip");
        assertThat(c.listing(2)).isEmpty();
    }

    @Test
    void aConnectionThatDropsWhileWritingLeavesNoFileUnderTheRealNameAndARerunFinishes() throws Exception {
        Manifest m = backedUpThenNodesWiped("cut");
        SshCluster c = cluster;
        String sha = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).sha256();
        LinkCutter cutter = new LinkCutter(c.connector(), c.ssh.node(1).port(), 512 * 1024,
                c.ssh.node(1)::dropConnections);
        assertThatThrownBy(() -> c.restore(m.setId(), cutter).build().execute())
                .isInstanceOfSatisfying(RestoreNotReadyException.class, e -> {
                    assertThat(e.result().ok()).isFalse();
                    assertThat(e.result().nodes()).extracting(NodeReport::status).containsExactly(
                            NodeReport.Status.OK, NodeReport.Status.UNREACHABLE, NodeReport.Status.OK);
                    assertThat(e.result().nodes().get(1).detail()).contains("broke");
                });
        assertThat(cutter.cutAfter()).isPositive();
        // the temporary file may stay behind (the link is gone, nobody can remove it) but never the real name
        List<String> left = c.listing(1);
        assertThat(left).doesNotContain("cut.zip");
        assertThat(left).allSatisfy(n -> assertThat(n).startsWith(".rkb-tmp-cut.zip-"));
        for (String n : left) {
            assertThat(Files.size(c.snapshotDir(1).resolve(n))).isLessThan(Files.size(c.snapshotFile(0, "cut")));
        }

        RestoreResult again = c.restore(m.setId()).build().execute();
        assertThat(again.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.UNCHANGED,
                NodeReport.Status.OK, NodeReport.Status.UNCHANGED);
        assertThat(RkeBackupTest.sha256(c.snapshotFile(1, "cut"))).isEqualTo(sha);
    }

    @Test
    void legacyPlainSnapshotAndPkiBundleGoBackToEveryNodeOverSsh() throws Exception {
        Manifest m = backedUpThenNodesWiped("legacy", "v0.1.18");
        SshCluster c = cluster;
        assertThat(m.artifacts(RkeArtifacts.PKI_BUNDLE)).singleElement()
                .satisfies(a -> assertThat(a.source().host()).isEqualTo(c.label(0)));
        assertThat(m.artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.path()).isEqualTo("snapshots/legacy"));
        RestoreResult r = c.restore(m.setId()).build().execute();
        assertThat(r.ok()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(c.listing(i)).containsExactly("legacy", "pki.bundle.tar.gz");
            assertThat(RkeBackupTest.sha256(c.snapshotDir(i).resolve("pki.bundle.tar.gz")))
                    .isEqualTo(m.artifacts(RkeArtifacts.PKI_BUNDLE).get(0).sha256());
        }
        assertThat(r.restoreCommand()).endsWith("--name legacy");
    }
}
