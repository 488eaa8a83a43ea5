package dev.rkebackup.rke.backup;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Restore preparation onto fresh node directories from sets taken with the real stand-in and real etcd. */
@Timeout(120)
class RestorePreparationTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        ETCD.loadKeys("/registry/configmaps/", 100, 256);
    }

    private Path freshNodes() throws Exception {
        Path roots = tmp.resolve("restore-nodes");
        for (String h : StandinCluster.HOSTS) {
            Files.createDirectories(roots.resolve(h).resolve("opt/rke/etcd-snapshots"));
        }
        return roots;
    }

    private static Path onNode(Path roots, String host, String file) {
        return roots.resolve(host).resolve("opt/rke/etcd-snapshots").resolve(file);
    }

    private RestorePreparation.Builder prep(StandinCluster c, Manifest m, Path roots) {
        return RestorePreparation.builder(c.repository, m.setId(), ClusterConfig.load(c.configFile), c.version,
                NodeConnector.localDirectories(n -> roots.resolve(n.address())));
    }

    @Test
    void theSameVerifiedSnapshotLandsOnEveryNodeAndTheExactCommandIsShown() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("before-upgrade");
        Manifest m = c.job().build().collect("before-upgrade").manifest();
        Path roots = freshNodes();

        RestoreResult dry = prep(c, m, roots).build().dryRun();
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.steps()).anySatisfy(s -> assertThat(s).contains("10.0.0.3:/opt/rke/etcd-snapshots/"
                + "before-upgrade.zip"));
        try (Stream<Path> files = Files.walk(roots)) {
            assertThat(files.filter(Files::isRegularFile)).as("a dry run touches nothing").isEmpty();
        }

        RestoreResult r = prep(c, m, roots).build().execute();
        assertThat(r.ok()).isTrue();
        String sha = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).sha256();
        for (String h : StandinCluster.HOSTS) {
            Path f = onNode(roots, h, "before-upgrade.zip");
            assertThat(RkeBackupTest.sha256(f)).isEqualTo(sha);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        }
        assertThat(r.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.OK);
        assertThat(r.snapshotName()).isEqualTo("before-upgrade");
        assertThat(r.restoreCommand()).isEqualTo("rke etcd snapshot-restore --config "
                + c.configFile.toAbsolutePath() + " --name before-upgrade");
        assertThat(r.localFiles()).containsExactly(c.configFile.toAbsolutePath(),
                c.configFile.resolveSibling("rancher-cluster.rkestate").toAbsolutePath());

        RestoreResult again = prep(c, m, roots).build().execute();
        assertThat(again.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.UNCHANGED);
    }

    @Test
    void aDifferentFileOnANodeOrBesideTheConfigIsNeverReplacedUnlessForced() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("s");
        Manifest m = c.job().build().collect("s").manifest();
        Path roots = freshNodes();
        Path other = onNode(roots, "10.0.0.2", "s.zip");
        Files.writeString(other, "someone else's snapshot");

        assertThatThrownBy(() -> prep(c, m, roots).build().execute())
                .isInstanceOf(RestoreNotReadyException.class)
                .hasMessageContaining("10.0.0.2")
                .satisfies(e -> assertThat(((RestoreNotReadyException) e).result().nodes())
                        .extracting(NodeReport::status).containsExactly(NodeReport.Status.OK,
                                NodeReport.Status.FAILED, NodeReport.Status.OK));
        assertThat(Files.readString(other)).isEqualTo("someone else's snapshot");

        Files.writeString(c.configFile, Files.readString(c.configFile) + "# edited after the backup\n");
        assertThatThrownBy(() -> prep(c, m, roots).build().execute())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("differs")
                .hasMessageContaining("--force");

        RestoreResult forced = prep(c, m, roots).force(true).build().execute();
        assertThat(forced.ok()).isTrue();
        assertThat(Files.readString(c.configFile.resolveSibling("rancher-cluster.yml.bak")))
                .endsWith("# edited after the backup\n");
        assertThat(Files.readString(c.configFile)).doesNotContain("edited after");
        assertThat(RkeBackupTest.sha256(other)).isEqualTo(RkeBackupTest.sha256(onNode(roots, "10.0.0.1", "s.zip")));
    }

    @Test
    void aDamagedSetIsNeverPutOnANode() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("d");
        Manifest m = c.job().build().collect("d").manifest();
        Path stored = c.storeDir.resolve(m.setId()).resolve("snapshots/d.zip");
        byte[] b = Files.readAllBytes(stored);
        b[b.length / 3] ^= 1;
        Files.write(stored, b);
        Path roots = freshNodes();
        assertThatThrownBy(() -> prep(c, m, roots).build().execute()).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("damaged");
        // the dry run verifies too, and names the problem in words, not as a Java record
        assertThatThrownBy(() -> prep(c, m, roots).build().dryRun()).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("damaged (snapshots/d.zip: checksum").hasMessageNotContaining("ArtifactCheck[");
        try (Stream<Path> files = Files.walk(roots)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aPlantedSnapshotWithAFixedManifestFailsTheStructureCheckBeforeAnyNodeIsTouched() throws Exception {
        // the attack on a plaintext store: random bytes in place of the snapshot, size and SHA-256 fixed in the
        // manifest, so verify says OK; the structure check on the bytes to be placed refuses them
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("p");
        Manifest m = c.job().build().collect("p").manifest();
        Path stored = c.storeDir.resolve(m.setId()).resolve("snapshots/p.zip");
        byte[] garbage = new byte[(int) Files.size(stored)];
        new java.util.Random(1).nextBytes(garbage);
        Files.write(stored, garbage);
        Path manifest = c.storeDir.resolve(m.setId()).resolve("manifest.json");
        String oldSha = m.artifacts(dev.rkebackup.rke.RkeArtifacts.ETCD_SNAPSHOT).get(0).sha256();
        Files.writeString(manifest, Files.readString(manifest).replace(oldSha, RkeBackupTest.sha256(stored)));
        assertThat(c.repository.verify(m.setId()).ok()).as("the plaintext manifest cannot tell").isTrue();
        Path roots = freshNodes();
        assertThatThrownBy(() -> prep(c, m, roots).build().execute()).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("structure check").hasMessageContaining("no node was touched");
        try (Stream<Path> files = Files.walk(roots)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void legacyVersionsGetThePlainSnapshotAndThePkiBundleOnEveryNode() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v0.1.18", tmp);
        c.snapshot("old");
        Manifest m = c.job().build().collect("old").manifest();
        Path roots = freshNodes();
        RestoreResult r = prep(c, m, roots).build().execute();
        assertThat(r.ok()).isTrue();
        for (String h : StandinCluster.HOSTS) {
            assertThat(onNode(roots, h, "old")).exists();
            assertThat(onNode(roots, h, "pki.bundle.tar.gz")).exists();
        }
        assertThat(r.restoreCommand()).endsWith("--name old");

        assertThatThrownBy(() -> RestorePreparation.builder(c.repository, m.setId(), ClusterConfig.load(c.configFile),
                RkeVersion.parse("v1.6.3"), NodeConnector.localDirectories(n -> roots.resolve(n.address())))
                .build().dryRun())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("v0.1.18");
    }
}
