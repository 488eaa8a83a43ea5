package dev.rkebackup.rke.backup;

import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeSetInfo;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole job through the real rke stand-in and real etcd snapshots, nodes as local directories. */
@Timeout(120)
class RkeBackupTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        ETCD.loadKeys("/registry/secrets/", 200, 256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.1.18", "v0.2.4", "v0.2.8", "v1.2.8", "v1.3.15", "v1.6.3"})
    void snapshotAndCollectStoresACompleteVerifiedSetForEachVersion(String v) throws Exception {
        StandinCluster c = new StandinCluster(ETCD, v, tmp);
        BackupResult r = c.job().build().snapshotAndCollect(c.runner,
                SnapshotSaveRequest.builder(c.configFile).name("nightly").build());
        Manifest m = r.manifest();
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(RkeSetInfo.of(m).rkeVersion()).isEqualTo(v);
        assertThat(m.metadata().labels()).containsEntry("snapshot-name", "nightly");
        ArtifactEntry snap = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0);
        assertThat(snap.path()).isEqualTo("snapshots/" + c.version.snapshotFileName("nightly"));
        assertThat(snap.source().host()).isEqualTo("10.0.0.1");
        assertThat(snap.sha256()).isEqualTo(sha256(c.snapshotFile("10.0.0.1", "nightly")));
        assertThat(m.artifacts(RkeArtifacts.CLUSTER_CONFIG)).singleElement()
                .satisfies(a -> assertThat(a.path()).isEqualTo("rancher-cluster.yml"));
        if (c.version.has(RkeFeature.STATE_FILE)) {
            assertThat(m.artifacts(RkeArtifacts.RKESTATE)).singleElement()
                    .satisfies(a -> assertThat(a.path()).isEqualTo("rancher-cluster.rkestate"));
            assertThat(m.artifacts(RkeArtifacts.PKI_BUNDLE)).isEmpty();
        } else {
            assertThat(m.artifacts(RkeArtifacts.PKI_BUNDLE)).hasSize(1);
            assertThat(m.artifacts(RkeArtifacts.RKESTATE)).isEmpty();
        }
        if (c.version.has(RkeFeature.ZIPPED_SNAPSHOTS)) {
            assertThat(snap.attributes()).containsEntry("stateEntry",
                    String.valueOf(c.version.has(RkeFeature.STATE_IN_SNAPSHOT)));
        }
        assertThat(r.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.OK,
                NodeReport.Status.NOT_NEEDED, NodeReport.Status.NOT_NEEDED);
        assertThat(r.snapshot()).isPresent();
    }

    @Test
    void allNodesStrategyStoresEveryNodesCopy() {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("all");
        BackupResult r = c.job().strategy(CollectionStrategy.ALL_NODES).build().collect("all");
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).extracting(ArtifactEntry::path)
                .containsExactlyInAnyOrder("snapshots/10.0.0.1/all.zip", "snapshots/10.0.0.2/all.zip",
                        "snapshots/10.0.0.3/all.zip");
        assertThat(r.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.OK);
    }

    @Test
    void badOrMissingCopiesAreSkippedAndTheNextIntactNodeIsUsed() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("s");
        Path first = c.snapshotFile("10.0.0.1", "s");
        byte[] zip = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(zip, zip.length / 2)); // truncated
        flipByteInsideSnapshotEntry(c.snapshotFile("10.0.0.2", "s"), "s");
        BackupResult r = c.job().build().collect("s");
        assertThat(r.ok()).isTrue();
        assertThat(r.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.BAD_COPY,
                NodeReport.Status.BAD_COPY, NodeReport.Status.OK);
        assertThat(r.nodes().get(1).detail()).contains("integrity");
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.source().host()).isEqualTo("10.0.0.3"));
        assertThat(c.repository.store().list("")).extracting(ObjectInfo::key)
                .noneMatch(k -> k.contains("10.0.0.1") || k.contains("10.0.0.2"));

        Files.delete(c.snapshotFile("10.0.0.3", "s"));
        assertThatThrownBy(() -> c.job().build().collect("s"))
                .isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining("etcd snapshot s.zip")
                .hasMessageContaining("10.0.0.1: bad-copy").hasMessageContaining("10.0.0.3: missing");
        assertThat(c.repository.listSets()).hasSize(1);
        assertThat(c.repository.findOrphans(java.time.Duration.ZERO)).isEmpty();
    }

    @Test
    void anUnreachableNodeIsReportedAndTheNextOneIsUsed() {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("u");
        NodeConnector flaky = node -> {
            if (node.address().equals("10.0.0.1")) {
                throw new NodeAccessException(NodeAccessException.Problem.UNREACHABLE, "rancher@10.0.0.1:22",
                        "cannot connect to rancher@10.0.0.1:22: connection refused; check that sshd runs", null);
            }
            return c.nodes().connect(node);
        };
        BackupResult r = RkeBackup.builder(c.config(), c.version, c.repository, flaky).build().collect("u");
        assertThat(r.nodes().get(0).status()).isEqualTo(NodeReport.Status.UNREACHABLE);
        assertThat(r.nodes().get(0).detail()).contains("connection refused");
        assertThat(r.nodes().get(1).status()).isEqualTo(NodeReport.Status.OK);
    }

    @Test
    void aZipWithoutTheStateEntryIsCompletedWithTheLocalStateFileAndSaysSo() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("nostate");
        for (String h : StandinCluster.HOSTS) {
            dropStateEntry(c.snapshotFile(h, "nostate"), "nostate");
        }
        BackupResult r = c.job().build().collect("nostate");
        assertThat(r.ok()).isTrue();
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).attributes())
                .containsEntry("stateEntry", "false");
        assertThat(r.manifest().artifacts(RkeArtifacts.RKESTATE)).hasSize(1);
        assertThat(r.manifest().notes()).anySatisfy(n -> assertThat(n).contains("no /etc/kubernetes/nostate.rkestate")
                .contains("local state file"));

        Files.delete(c.configFile.resolveSibling("rancher-cluster.rkestate"));
        assertThatThrownBy(() -> c.job().build().collect("nostate"))
                .isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining("cluster state file").hasMessageContaining("rancher-cluster.rkestate");
        BackupResult incomplete = c.job().allowIncomplete(true).build().collect("nostate");
        assertThat(incomplete.manifest().complete()).isFalse();
        assertThat(incomplete.ok()).isFalse();
        assertThat(incomplete.manifest().notes()).anySatisfy(n -> assertThat(n).startsWith("missing: cluster state"));
    }

    @Test
    void theStateInsideTheZipMakesTheSetCompleteWithoutALocalStateFile() throws Exception {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("withstate");
        Files.delete(c.configFile.resolveSibling("rancher-cluster.rkestate"));
        BackupResult r = c.job().build().collect("withstate");
        assertThat(r.ok()).isTrue();
        assertThat(r.manifest().artifacts(RkeArtifacts.RKESTATE)).isEmpty();
        assertThat(r.manifest().notes()).anySatisfy(n -> assertThat(n).contains("carries the state"));
    }

    @Test
    void retentionRunsAfterAVerifiedBackupAndBadNamesAreRefused() {
        StandinCluster c = new StandinCluster(ETCD, "v1.6.3", tmp);
        c.snapshot("r");
        RkeBackup job = c.job().retention(RetentionPolicy.keepLast(2)).build();
        job.collect("r");
        job.collect("r");
        BackupResult third = job.collect("r");
        assertThat(third.pruned()).hasSize(1);
        assertThat(c.repository.listSets()).hasSize(2);
        for (String bad : List.of("../etc/passwd", "x.zip", "a/b", "")) {
            assertThatThrownBy(() -> job.collect(bad)).isInstanceOf(dev.rkebackup.core.InvalidInputException.class);
        }
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** Rewrites an RKE zip with one byte of the etcd snapshot entry flipped (the zip itself stays valid). */
    static void flipByteInsideSnapshotEntry(Path zip, String name) throws Exception {
        rewriteZip(zip, name, true, false);
    }

    static void dropStateEntry(Path zip, String name) throws Exception {
        rewriteZip(zip, name, false, true);
    }

    private static void rewriteZip(Path zip, String name, boolean flip, boolean dropState) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
             ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] data = in.readAllBytes();
                if (dropState && e.getName().endsWith(".rkestate")) {
                    continue;
                }
                if (flip && e.getName().equals("/backup/" + name)) {
                    data[data.length / 2] ^= 0x10;
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(data);
                z.closeEntry();
            }
        }
        Files.write(zip, out.toByteArray());
    }
}
