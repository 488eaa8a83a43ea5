package dev.rkebackup.etcd;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.etcd.testing.Clusters;
import dev.rkebackup.etcd.testing.CuttingProxy;
import dev.rkebackup.etcd.testing.RkeEtcdCluster;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.node.testing.SshNodes;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code backup --from-etcd} as a library call against a real 3-member TLS etcd cluster laid out like RKE's. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdBackupTest {
    @RegisterExtension
    static final RkeEtcdCluster ETCD = RkeEtcdCluster.of(3);
    static final RkeVersion V163 = RkeVersion.parse("v1.6.3");

    @TempDir
    Path dir;

    @BeforeAll
    static void fill() {
        ETCD.loadRegistry(300, 42);
    }

    private ClusterConfig config(List<String> addresses) {
        Path cfg = Clusters.writeConfig(dir.resolve("cluster"), addresses, null);
        ETCD.writeStateFile(dir.resolve("cluster/cluster.rkestate"), "kube-node", "kube-node-key.pem", addresses);
        return ClusterConfig.load(cfg);
    }

    private BackupRepository repo() {
        return BackupRepository.create(FileSystemObjectStore.create(dir.resolve("store")));
    }

    private EtcdBackup.Builder job(ClusterConfig config, BackupRepository repo, RkeVersion version) {
        return EtcdBackup.builder(config, version, repo).targets(EtcdTargets.direct().port(ETCD.clientPort()));
    }

    @Test
    @Order(1)
    void snapshotFromEachMemberIsACompleteRkeSet() throws Exception {
        ClusterConfig config = config(ETCD.addresses());
        BackupRepository repo = repo();
        long keys = ETCD.keyCount("/registry/");
        for (String host : ETCD.addresses()) {
            EtcdBackupResult r = job(config, repo, V163).member(host).build().run("snap-" + host.replace('.', '-'));
            assertThat(r.ok()).isTrue();
            assertThat(r.member()).isEqualTo(host);
            Manifest m = r.manifest();
            assertThat(m.metadata().labels()).containsEntry(EtcdLabels.MEMBER, host)
                    .containsEntry(EtcdLabels.SOURCE, EtcdLabels.SOURCE_ETCD_API)
                    .containsKeys(EtcdLabels.CLUSTER_ID, EtcdLabels.REVISION, EtcdLabels.MEMBER_HASHES);
            assertThat(m.metadata().labels().get(EtcdLabels.MEMBER_HASHES).split(",")).hasSize(3);
            ArtifactEntry snap = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0);
            assertThat(snap.path()).isEqualTo("snapshots/snap-" + host.replace('.', '-') + ".zip");
            assertThat(snap.attributes()).containsEntry("stateEntry", "true");
            assertThat(m.artifacts(RkeArtifacts.RKESTATE)).hasSize(1);
            assertThat(m.artifacts(RkeArtifacts.CLUSTER_CONFIG)).hasSize(1);
            // the zip is what rke-tools writes: /backup/<name> and the state entry, readable by other tools
            Path zip = dir.resolve("got-" + host + ".zip");
            try (InputStream in = repo.openArtifact(m.setId(), snap.path())) {
                Files.copy(in, zip);
            }
            String name = "snap-" + host.replace('.', '-');
            Path db = dir.resolve("db-" + host);
            try (ZipFile z = new ZipFile(zip.toFile())) {
                ZipEntry e = z.getEntry("/backup/" + name);
                assertThat(e).isNotNull();
                assertThat(z.getEntry("/etc/kubernetes/" + name + ".rkestate")).isNotNull();
                try (InputStream in = z.getInputStream(e)) {
                    Files.copy(in, db);
                }
            }
            Process unzip = new ProcessBuilder("unzip", "-tq", zip.toString()).redirectErrorStream(true).start();
            String unzipOut = new String(unzip.getInputStream().readAllBytes());
            assertThat(unzip.waitFor()).as(unzipOut).isZero();
            RkeEtcdCluster.Result status = ETCD.etcdctl(List.of("snapshot", "status", db.toString(), "-w", "json"),
                    null, ETCD.endpoints());
            assertThat(status.code()).as(status.out()).isZero();
            long rev = Long.parseLong(m.metadata().labels().get(EtcdLabels.REVISION));
            assertThat(status.out()).contains("\"revision\":" + rev);
            assertThat(keys).isGreaterThan(300);
        }
    }

    @Test
    @Order(2)
    void plainLayoutBeforeV025AndNoStateEntryBeforeV115() throws Exception {
        ClusterConfig config = config(ETCD.addresses());
        BackupRepository repo = repo();
        Manifest plain = job(config, repo, RkeVersion.parse("v0.2.4")).build().run("old").manifest();
        ArtifactEntry snap = plain.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0);
        assertThat(snap.path()).isEqualTo("snapshots/old");
        assertThat(snap.size() % 4096).isEqualTo(32); // bbolt pages plus etcd's SHA-256 trailer
        Manifest v114 = job(config, repo, RkeVersion.parse("v1.1.4")).build().run("mid").manifest();
        Path zip = dir.resolve("mid.zip");
        try (InputStream in = repo.openArtifact(v114.setId(), "snapshots/mid.zip")) {
            Files.copy(in, zip);
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.size()).isEqualTo(1);
            assertThat(z.getEntry("/backup/mid")).isNotNull();
        }
    }

    @Test
    @Order(3)
    void clientKeyInPkcs8WorksToo() {
        List<String> a = ETCD.addresses();
        Path cfg = Clusters.writeConfig(dir.resolve("cluster"), a, null);
        ETCD.pki().pkcs8("kube-node");
        ETCD.writeStateFile(dir.resolve("cluster/cluster.rkestate"), "kube-node", "kube-node-key.pk8.pem", a);
        assertThat(ETCD.pki().read("kube-node-key.pk8.pem")).contains("BEGIN PRIVATE KEY");
        assertThat(ETCD.pki().read("kube-node-key.pem")).contains("BEGIN RSA PRIVATE KEY");
        EtcdBackupResult r = job(ClusterConfig.load(cfg), repo(), V163).build().run("pk8");
        assertThat(r.ok()).isTrue();
    }

    @Test
    @Order(4)
    void aMemberOfAnotherClusterIsRefusedWithAReport() throws Exception {
        try (RkeEtcdCluster other = RkeEtcdCluster.foreign(1, 4, ETCD.pki())) {
            other.start();
            // the foreign member listens on the same port at 127.0.0.4: only the cluster id tells it apart
            List<String> nodes = List.of("127.0.0.1", "127.0.0.2", "127.0.0.4");
            BackupRepository repo = repo();
            EtcdTargets t = EtcdTargets.direct().port(ETCD.clientPort()).address(n -> InetSocketAddress
                    .createUnresolved(n.address(), n.address().equals("127.0.0.4") ? other.clientPort()
                            : ETCD.clientPort()));
            assertThatThrownBy(() -> EtcdBackup.builder(config(nodes), V163, repo).targets(t).build().run("x"))
                    .isInstanceOf(MembersDisagreeException.class)
                    .hasMessageContaining("member 127.0.0.4")
                    .hasMessageContaining("belongs to another etcd cluster")
                    .hasMessageContaining("127.0.0.1 (https://127.0.0.1:");
            assertThat(repo.listSets()).isEmpty();
        }
    }

    @Test
    @Order(5)
    void certificatesOfAnotherCaAreRefusedClearly() throws Exception {
        List<String> a = ETCD.addresses();
        Path cfg = Clusters.writeConfig(dir.resolve("cluster"), a, null);
        Path otherPki = Files.createDirectories(dir.resolve("other-pki"));
        var other = dev.rkebackup.etcd.testing.Pki.create(otherPki, "kube-ca");
        other.issue("kube-node", "/O=system:nodes/CN=system:node", null, false);
        String state = Files.readString(ETCD.writeStateFile(dir.resolve("cluster/cluster.rkestate")));
        // swap in the other cluster's CA and client: exactly what a .rkestate of another cluster holds
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(state);
        for (String part : List.of("currentState", "desiredState")) {
            var b = (com.fasterxml.jackson.databind.node.ObjectNode) json.get(part).get("certificatesBundle");
            ((com.fasterxml.jackson.databind.node.ObjectNode) b.get("kube-ca")).put("certificatePEM",
                    other.read("kube-ca.pem"));
            ((com.fasterxml.jackson.databind.node.ObjectNode) b.get("kube-node")).put("certificatePEM",
                    other.read("kube-node.pem")).put("keyPEM", other.read("kube-node-key.pem"));
        }
        Files.writeString(dir.resolve("cluster/cluster.rkestate"), json.toString());
        BackupRepository repo = repo();
        assertThatThrownBy(() -> job(ClusterConfig.load(cfg), repo, V163).build().run("x"))
                .isInstanceOf(MembersDisagreeException.class)
                .hasMessageContaining("TLS with https://127.0.0.1:")
                .hasMessageContaining(".rkestate belongs to this cluster")
                .hasMessageNotContaining("PRIVATE KEY");
        assertThat(repo.listSets()).isEmpty();
    }

    @Test
    @Order(6)
    void anExpiredClientCertificateIsRefusedBeforeConnecting() {
        List<String> a = ETCD.addresses();
        Path cfg = Clusters.writeConfig(dir.resolve("cluster"), a, null);
        ETCD.pki().issue("kube-node-expired", "/O=system:nodes/CN=system:node", null, true);
        ETCD.writeStateFile(dir.resolve("cluster/cluster.rkestate"), "kube-node-expired",
                "kube-node-expired-key.pem", a);
        BackupRepository repo = repo();
        assertThatThrownBy(() -> job(ClusterConfig.load(cfg), repo, V163).build().run("x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("certificate kube-node")
                .hasMessageContaining("expired on 2020-02-01")
                .hasMessageContaining("rke cert rotate");
        assertThat(repo.listSets()).isEmpty();
    }

    @Test
    @Order(7)
    void aRevisionLowerThanTheStoredOneIsRefusedUnlessAllowed() {
        ClusterConfig config = config(ETCD.addresses());
        BackupRepository repo = repo();
        Manifest first = job(config, repo, V163).build().run("first").manifest();
        String cluster = first.metadata().labels().get(EtcdLabels.CLUSTER_ID);
        long rev = Long.parseLong(first.metadata().labels().get(EtcdLabels.REVISION));
        // a set of the same cluster id from "the future": this cluster was restored to an older state since
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("drill-test").withLabel(EtcdLabels.CLUSTER_ID, cluster)
                .withLabel(EtcdLabels.REVISION, String.valueOf(rev + 100000)))) {
            w.add("x", ArtifactKind.OTHER, dev.rkebackup.core.repository.ArtifactSource.local("x"), new byte[] {1});
            w.commit();
        }
        int before = repo.listSets().size();
        assertThatThrownBy(() -> job(config, repo, V163).build().run("second"))
                .isInstanceOf(OlderRevisionException.class)
                .hasMessageContaining("lower than revision " + (rev + 100000))
                .hasMessageContaining("--allow-older-revision");
        assertThat(repo.listSets()).hasSize(before);
        Manifest allowed = job(config, repo, V163).allowOlderRevision(true).build().run("second").manifest();
        assertThat(allowed.notes()).anySatisfy(n -> assertThat(n).contains("--allow-older-revision"));
        // a newer revision than every stored set goes through without the flag
        ETCD.put("/registry/configmaps/default/bump", "1");
        EtcdBackup plain = EtcdBackup.builder(config, V163, BackupRepository.create(FileSystemObjectStore
                .create(dir.resolve("store2")))).targets(EtcdTargets.direct().port(ETCD.clientPort())).build();
        assertThat(plain.run("third").ok()).isTrue();
    }

    @Test
    @Order(8)
    void aSnapshotCutMidStreamIsDroppedAndTheNextMemberServes() throws Exception {
        ClusterConfig config = config(ETCD.addresses());
        BackupRepository repo = repo();
        AtomicLong budget = new AtomicLong(1);
        List<CuttingProxy> proxies = new ArrayList<>();
        try {
            for (String a : ETCD.addresses()) {
                proxies.add(new CuttingProxy(new InetSocketAddress(a, ETCD.clientPort()), 200_000, budget));
            }
            EtcdTargets t = EtcdTargets.direct().address(n -> proxies.get(ETCD.addresses().indexOf(n.address()))
                    .address());
            EtcdBackupResult r = EtcdBackup.builder(config, V163, repo).targets(t).build().run("cut");
            assertThat(proxies.stream().mapToLong(CuttingProxy::cuts).sum()).isEqualTo(1);
            assertThat(r.ok()).isTrue();
            assertThat(r.manifest().notes()).anySatisfy(n -> assertThat(n).contains("not stored")
                    .contains("broke after"));
            // pinned to one member, a cut leaves nothing behind
            budget.set(1);
            BackupRepository empty = BackupRepository.create(FileSystemObjectStore.create(dir.resolve("e")));
            assertThatThrownBy(() -> EtcdBackup.builder(config, V163, empty).targets(t).member("127.0.0.2").build()
                    .run("cut2"))
                    .isInstanceOf(EtcdSnapshotException.class)
                    .hasMessageContaining("nothing was stored");
            assertThat(empty.listSets()).isEmpty();
            assertThat(empty.store().list("")).isEmpty();
        } finally {
            proxies.forEach(CuttingProxy::close);
        }
    }

    @Test
    @Order(9)
    void aMemberThatIsDownIsReportedAndTheQuorumIsBackedUp() {
        ClusterConfig config = config(ETCD.addresses());
        BackupRepository repo = repo();
        ETCD.stopMember(2);
        try {
            EtcdBackupResult r = job(config, repo, V163).build().run("down");
            assertThat(r.ok()).isTrue();
            assertThat(r.member()).isNotEqualTo("127.0.0.3");
            assertThat(r.manifest().notes()).anySatisfy(n -> assertThat(n).contains("member 127.0.0.3 did not answer")
                    .contains("cannot reach https://127.0.0.3:"));
            assertThat(r.agreement().hashes()).hasSize(2);
        } finally {
            ETCD.startMember(2);
        }
    }

    @Test
    @Order(10)
    void throughAnSshForwardToEachNode() throws Exception {
        ClusterConfig config = config(ETCD.addresses());
        BackupRepository repo = repo();
        try (SshNodes ssh = SshNodes.start(dir.resolve("ssh"), 3, SshNodes.KeyType.RSA)) {
            // each node's etcd is "127.0.0.1:2379 on the node"; here the nodes share one host, so each SSH server
            // forwards to its own member's address; TLS is still verified against 'localhost'
            EtcdTargets t = EtcdTargets.viaSsh(n -> ssh.endpoint(ETCD.addresses().indexOf(n.address())).build())
                    .port(ETCD.clientPort())
                    .address(n -> InetSocketAddress.createUnresolved(n.address(), ETCD.clientPort()));
            EtcdBackupResult r = EtcdBackup.builder(config, V163, repo).targets(t).build().run("over-ssh");
            assertThat(r.ok()).isTrue();
            assertThat(r.agreement().hashes()).hasSize(3);
            assertThat(r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).source().path())
                    .contains("via SSH");
        }
    }
}
