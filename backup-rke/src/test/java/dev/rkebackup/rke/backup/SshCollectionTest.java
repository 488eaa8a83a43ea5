package dev.rkebackup.rke.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.RemoteFile;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection over real SSH: one in-JVM SSH/SFTP server per etcd node serving the directory the rke stand-in wrote a
 * real etcd snapshot into, reached through {@code NodeConnector.ssh(SshEndpoints.fromConfig(..))} with the host key
 * checked against known_hosts. Every fault must end either with the next node's intact copy or with nothing stored;
 * never with a set that looks complete but holds a bad or partial copy.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SshCollectionTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    private SshCluster cluster;

    @BeforeAll
    static void load() {
        // about 6 MB of values: big enough that a transfer is still running when the link is cut
        ETCD.loadKeys("/registry/secrets/", 6_000, 1_000);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private SshCluster cluster(String name) throws Exception {
        cluster = SshCluster.start(ETCD, "v1.6.3", tmp);
        cluster.standin.snapshot(name);
        return cluster;
    }

    private void assertNothingStored() {
        assertThat(cluster.standin.repository.listSets()).isEmpty();
        assertThat(cluster.standin.repository.store().list("")).as("no partial object is left in the store")
                .isEmpty();
    }

    @Test
    void collectsTheCheckedSnapshotOverSshFromTheFirstNodeAndEveryNodeInParallel() throws Exception {
        SshCluster c = cluster("ssh-nightly");
        BackupResult first = c.job().build().collect("ssh-nightly");
        assertThat(first.ok()).as(first.toString()).isTrue();
        ArtifactEntry snap = first.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0);
        assertThat(snap.path()).isEqualTo("snapshots/ssh-nightly.zip");
        assertThat(snap.source().host()).isEqualTo(c.label(0));
        assertThat(snap.source().path()).isEqualTo("/opt/rke/etcd-snapshots/ssh-nightly.zip");
        assertThat(snap.sha256()).isEqualTo(RkeBackupTest.sha256(c.snapshotFile(0, "ssh-nightly")));
        assertThat(snap.attributes()).containsEntry("stateEntry", "true");
        assertThat(first.nodes()).extracting(NodeReport::host).containsExactlyElementsOf(c.labels());
        assertThat(first.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.OK,
                NodeReport.Status.NOT_NEEDED, NodeReport.Status.NOT_NEEDED);

        BackupResult all = c.job().strategy(CollectionStrategy.ALL_NODES).build().collect("ssh-nightly");
        assertThat(all.ok()).isTrue();
        assertThat(all.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).extracting(ArtifactEntry::path)
                .containsExactlyInAnyOrder("snapshots/" + c.label(0) + "/ssh-nightly.zip",
                        "snapshots/" + c.label(1) + "/ssh-nightly.zip", "snapshots/" + c.label(2) + "/ssh-nightly.zip");
        for (ArtifactEntry a : all.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)) {
            int node = c.labels().indexOf(a.source().host());
            assertThat(a.path()).isEqualTo("snapshots/" + c.label(node) + "/ssh-nightly.zip");
            assertThat(a.sha256()).isEqualTo(RkeBackupTest.sha256(c.snapshotFile(node, "ssh-nightly")));
        }
        assertThat(all.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.OK);
    }

    @Test
    void aNodeThatIsDownIsReportedAndTheNextNodeServes() throws Exception {
        SshCluster c = cluster("down");
        c.ssh.node(0).stop();
        BackupResult r = c.job().build().collect("down");
        assertThat(r.ok()).isTrue();
        assertThat(r.nodes().get(0).status()).isEqualTo(NodeReport.Status.UNREACHABLE);
        assertThat(r.nodes().get(0).detail()).contains("127.0.0.1", String.valueOf(c.ssh.node(0).port()));
        assertThat(r.nodes().get(1).status()).isEqualTo(NodeReport.Status.OK);
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.source().host()).isEqualTo(c.label(1)));
    }

    @Test
    void aNodeThatRefusesTheKeyIsReportedAndTheNodesOwnKeyPathWasTheOneTried() throws Exception {
        SshCluster c = cluster("refused");
        c.nodeKey(0, c.wrongKey); // the node's ssh_key_path wins over the cluster's
        BackupResult r = c.job().build().collect("refused");
        assertThat(r.ok()).isTrue();
        assertThat(r.nodes().get(0).status()).isEqualTo(NodeReport.Status.UNREACHABLE);
        assertThat(r.nodes().get(0).detail()).containsIgnoringCase("refused").contains(c.wrongKey.toString());
        assertThat(r.nodes().get(1).status()).isEqualTo(NodeReport.Status.OK);
    }

    @Test
    void aChangedHostKeyIsNeverTrustedAndNothingIsReadFromThatNode() throws Exception {
        SshCluster c = cluster("mitm");
        c.ssh.node(0).changeHostKey();
        c.ssh.node(1).changeHostKey();
        BackupResult r = c.job().build().collect("mitm");
        assertThat(r.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.UNREACHABLE,
                NodeReport.Status.UNREACHABLE, NodeReport.Status.OK);
        assertThat(r.nodes().get(0).detail()).contains("CHANGED", c.ssh.knownHosts().toString());
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.source().host()).isEqualTo(c.label(2)));

        c.ssh.node(2).changeHostKey();
        assertThatThrownBy(() -> c.job().build().collect("mitm")).isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining(c.label(2) + ": unreachable");
        assertThat(c.standin.repository.listSets()).hasSize(1);
    }

    @Test
    void nodesAreReachedThroughTheBastionHostOfTheConfig() throws Exception {
        SshCluster c = cluster("jump");
        c.bastion(2);
        BackupResult r = c.job().strategy(CollectionStrategy.ALL_NODES).build().collect("jump");
        assertThat(r.ok()).isTrue();
        assertThat(r.nodes()).extracting(NodeReport::status).containsOnly(NodeReport.Status.OK);

        c.ssh.node(2).stop(); // the bastion is down: no node can be reached, nothing is stored
        assertThatThrownBy(() -> c.job().build().collect("jump")).isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining(c.label(0) + ": unreachable").hasMessageContaining(c.label(1) + ": unreachable")
                .hasMessageContaining("jump host rke@127.0.0.1:" + c.ssh.node(2).port());
        assertThat(c.standin.repository.listSets()).hasSize(1);
    }

    @Test
    void missingTruncatedAndFlippedCopiesAreSkippedAndTheIntactOneIsStored() throws Exception {
        SshCluster c = cluster("damaged");
        Files.delete(c.snapshotFile(0, "damaged"));
        Path second = c.snapshotFile(1, "damaged");
        byte[] zip = Files.readAllBytes(second);
        Files.write(second, Arrays.copyOf(zip, zip.length - 4096));
        RkeBackupTest.flipByteInsideSnapshotEntry(c.snapshotFile(2, "damaged"), "damaged");
        assertThatThrownBy(() -> c.job().build().collect("damaged")).isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining(c.label(0) + ": missing").hasMessageContaining(c.label(1) + ": bad-copy")
                .hasMessageContaining(c.label(2) + ": bad-copy");
        assertNothingStored();
        assertThatThrownBy(() -> c.job().strategy(CollectionStrategy.ALL_NODES).build().collect("damaged"))
                .isInstanceOf(IncompleteBackupException.class);
        assertNothingStored();

        c.standin.snapshot("damaged"); // rke writes fresh copies on every node
        Files.write(second, Arrays.copyOf(Files.readAllBytes(second), 100_000));
        RkeBackupTest.flipByteInsideSnapshotEntry(c.snapshotFile(0, "damaged"), "damaged");
        BackupResult r = c.job().strategy(CollectionStrategy.ALL_NODES).build().collect("damaged");
        assertThat(r.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.BAD_COPY,
                NodeReport.Status.BAD_COPY, NodeReport.Status.OK);
        assertThat(r.nodes().get(0).detail()).contains("integrity");
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.source().host()).isEqualTo(c.label(2)));
        assertThat(r.manifest().notes()).anySatisfy(n -> assertThat(n).contains(c.label(0), "bad-copy"));
        assertThat(c.standin.repository.store().list("")).extracting(ObjectInfo::key)
                .noneMatch(k -> k.contains(c.label(0)) || k.contains(c.label(1)));
    }

    @Test
    void aZipWithoutTheStateEntryIsCompletedWithTheLocalStateFile() throws Exception {
        SshCluster c = cluster("nostate");
        for (int i = 0; i < 3; i++) {
            RkeBackupTest.dropStateEntry(c.snapshotFile(i, "nostate"), "nostate");
        }
        BackupResult r = c.job().build().collect("nostate");
        assertThat(r.ok()).isTrue();
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).attributes())
                .containsEntry("stateEntry", "false");
        assertThat(r.manifest().artifacts(RkeArtifacts.RKESTATE)).singleElement()
                .satisfies(a -> assertThat(a.source().path()).endsWith("ssh-cluster/rancher-cluster.rkestate"));

        Files.delete(c.configFile.resolveSibling("rancher-cluster.rkestate"));
        assertThatThrownBy(() -> c.job().build().collect("nostate")).isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining("cluster state file");
        assertThat(c.standin.repository.listSets()).hasSize(1);
    }

    @Test
    void aConnectionThatDropsMidTransferIsNeverStoredAndTheNextNodeServes() throws Exception {
        SshCluster c = cluster("dropped");
        long size = Files.size(c.snapshotFile(0, "dropped"));
        assertThat(size).as("the snapshot must be much larger than the cut point").isGreaterThan(2_000_000);
        LinkCutter cutter = new LinkCutter(c.connector(), c.ssh.node(0).port(), 256 * 1024,
                c.ssh.node(0)::dropConnections);
        BackupResult r = c.job(cutter).build().collect("dropped");
        assertThat(cutter.cutAfter()).isPositive();
        assertThat(r.nodes().get(0).status()).isEqualTo(NodeReport.Status.UNREACHABLE);
        assertThat(r.nodes().get(0).detail()).contains("broke");
        assertThat(r.nodes().get(1).status()).isEqualTo(NodeReport.Status.OK);
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement().satisfies(a -> {
            assertThat(a.source().host()).isEqualTo(c.label(1));
            assertThat(a.sha256()).isEqualTo(RkeBackupTest.sha256(c.snapshotFile(1, "dropped")));
        });
        assertThat(r.manifest().notes()).anySatisfy(n -> assertThat(n).contains(c.label(0), "broke"));
    }

    /** Runs {@code change} on the real file right after the collector looked a file up on node {@code port}. */
    private static NodeConnector changeAfterLookup(NodeConnector real, int port, Runnable change) {
        return changeAfterLookup(real, port, "", change);
    }

    private static NodeConnector changeAfterLookup(NodeConnector real, int port, String suffix, Runnable change) {
        return node -> {
            NodeAccess access = real.connect(node);
            if (!node.port().equals(String.valueOf(port))) {
                return access;
            }
            return new ForwardingNodeAccess(access) {
                @Override
                public Optional<RemoteFile> stat(String path) {
                    Optional<RemoteFile> f = super.stat(path);
                    if (path.endsWith(suffix)) {
                        change.run();
                    }
                    return f;
                }
            };
        };
    }

    @Test
    void aSnapshotThatGrowsOrShrinksWhileItIsReadIsNeverStored() throws Exception {
        SshCluster c = cluster("moving");
        Path first = c.snapshotFile(0, "moving");
        byte[] full = Files.readAllBytes(first);
        // rke is still writing node 0's zip when it is looked up; it is complete by the time it is read
        Files.write(first, Arrays.copyOf(full, full.length / 2));
        NodeConnector growing = changeAfterLookup(c.connector(), c.ssh.node(0).port(), () -> write(first, full));
        BackupResult r = c.job(growing).build().collect("moving");
        assertThat(r.nodes().get(0).status()).isEqualTo(NodeReport.Status.BAD_COPY);
        assertThat(r.nodes().get(0).detail()).contains("changed while it was read",
                "grew beyond the " + (full.length / 2) + " bytes");
        assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement().satisfies(a -> {
            assertThat(a.source().host()).isEqualTo(c.label(1));
            assertThat(a.size()).isEqualTo(full.length);
        });

        // node 0's file is replaced by a shorter one after the lookup
        NodeConnector shrinking = changeAfterLookup(c.connector(), c.ssh.node(0).port(),
                () -> write(first, Arrays.copyOf(full, 300_000)));
        BackupResult s = c.job(shrinking).build().collect("moving");
        assertThat(s.nodes().get(0).status()).isEqualTo(NodeReport.Status.BAD_COPY);
        assertThat(s.nodes().get(0).detail()).contains("changed while it was read",
                "ended after 300000 of the " + full.length + " bytes");
        assertThat(s.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.sha256()).isEqualTo(RkeBackupTest.sha256(c.snapshotFile(1, "moving"))));
    }

    @Test
    void aPkiBundleThatChangesWhileItIsReadIsTakenFromTheNextNode() throws Exception {
        cluster = SshCluster.start(ETCD, "v0.1.18", tmp);
        SshCluster c = cluster;
        c.standin.snapshot("legacy");
        Path bundle = c.snapshotDir(0).resolve("pki.bundle.tar.gz");
        byte[] full = Files.readAllBytes(bundle);
        NodeConnector shrinking = changeAfterLookup(c.connector(), c.ssh.node(0).port(), "pki.bundle.tar.gz",
                () -> write(bundle, Arrays.copyOf(full, full.length / 2)));
        BackupResult r = c.job(shrinking).build().collect("legacy");
        assertThat(r.ok()).isTrue();
        assertThat(r.manifest().artifacts(RkeArtifacts.PKI_BUNDLE)).singleElement().satisfies(a -> {
            assertThat(a.source().host()).isEqualTo(c.label(1));
            assertThat(a.sha256()).isEqualTo(RkeBackupTest.sha256(c.snapshotDir(1).resolve("pki.bundle.tar.gz")));
        });
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void inlineKeysNeverReachReportsMessagesManifestOrLogs() throws Exception {
        SshCluster c = cluster("secret");
        String wrong = Files.readString(c.wrongKey);
        String right = Files.readString(c.ssh.userKey());
        List<String> bodies = new ArrayList<>();
        for (String key : List.of(wrong, right)) {
            key.lines().filter(l -> !l.startsWith("-----")).forEach(l -> bodies.add(l.strip()));
        }
        c.nodeInlineKey(0, wrong);
        c.nodeInlineKey(1, right);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> texts = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            BackupResult r = c.job().build().collect("secret");
            assertThat(r.nodes()).extracting(NodeReport::status).containsExactly(NodeReport.Status.UNREACHABLE,
                    NodeReport.Status.OK, NodeReport.Status.NOT_NEEDED);
            r.nodes().forEach(n -> texts.add(n.toString()));
            texts.add(r.toString());
            texts.add(String.join("\n", r.manifest().notes()));
            c.ssh.node(1).stop();
            c.ssh.node(2).stop();
            try {
                c.job().build().collect("secret");
            } catch (IncompleteBackupException e) {
                texts.add(e.getMessage());
            }
            texts.add(SshEndpoints.fromConfig(c.config(), c.options()).apply(c.config().nodes().get(0)).toString());
        } finally {
            System.setErr(original);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).as("the capture works").contains("refused the SSH key");
        assertThat(texts).hasSize(7);
        try (Stream<Path> manifests = Files.walk(c.standin.storeDir)) {
            for (Path mf : manifests.filter(f -> f.getFileName().toString().equals("manifest.json")).toList()) {
                texts.add(Files.readString(mf));
            }
        }
        for (String body : bodies) {
            assertThat(logs).doesNotContain(body);
            assertThat(texts).allSatisfy(t -> assertThat(t).doesNotContain(body));
        }
    }

    @Test
    void whenEveryNodeFailsNothingIsStoredAndEachNodeIsNamed() throws Exception {
        SshCluster c = cluster("nowhere");
        c.ssh.node(0).stop();
        c.nodeKey(1, c.wrongKey);
        LinkCutter cutter = new LinkCutter(c.connector(), c.ssh.node(2).port(), 256 * 1024,
                c.ssh.node(2)::dropConnections);
        assertThatThrownBy(() -> c.job(cutter).strategy(CollectionStrategy.ALL_NODES).build().collect("nowhere"))
                .isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining("etcd snapshot nowhere.zip")
                .hasMessageContaining(c.label(0) + ": unreachable").hasMessageContaining(c.label(1) + ": unreachable")
                .hasMessageContaining(c.label(2) + ": unreachable");
        assertThat(cutter.cutAfter()).isPositive();
        assertNothingStored();
        assertThat(c.standin.repository.findOrphans(Duration.ZERO)).isEmpty();
    }
}
