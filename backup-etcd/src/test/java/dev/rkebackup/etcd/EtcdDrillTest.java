package dev.rkebackup.etcd;

import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.etcd.testing.Clusters;
import dev.rkebackup.etcd.testing.RkeEtcdCluster;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Restore drills into a throwaway etcd (the real etcd/etcdctl of this machine). */
class EtcdDrillTest {
    @RegisterExtension
    static final RkeEtcdCluster ETCD = RkeEtcdCluster.of(3);

    @TempDir
    Path dir;

    @BeforeAll
    static void fill() {
        ETCD.loadRegistry(100, 7);
    }

    private BackupRepository repo() {
        return BackupRepository.create(FileSystemObjectStore.create(dir.resolve("store")));
    }

    private Manifest backup(BackupRepository repo, String version) {
        Path cfg = Clusters.writeConfig(dir.resolve("cluster"), ETCD.addresses(), null);
        ETCD.writeStateFile(dir.resolve("cluster/cluster.rkestate"));
        return EtcdBackup.builder(ClusterConfig.load(cfg), RkeVersion.parse(version), repo)
                .targets(EtcdTargets.direct().port(ETCD.clientPort())).build().run("drill").manifest();
    }

    private long tempDrillDirs() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("rke-backup-drill-")).count();
        }
    }

    @Test
    void aGoodSetRestoresWithItsRevisionKeysAndClusterObjects() throws Exception {
        BackupRepository repo = repo();
        Manifest m = backup(repo, "v1.6.3");
        long before = tempDrillDirs();
        DrillReport r = EtcdDrill.builder(repo).build().run(m.setId());
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.revision()).isEqualTo(Long.parseLong(m.metadata().labels().get(EtcdLabels.REVISION)));
        assertThat(r.keys()).isEqualTo(ETCD.keyCount(""));
        assertThat(r.checks()).extracting(DrillReport.Check::name).contains("verify", "restore", "healthy",
                "revision", "keys", "prefix /registry/namespaces/", "prefix /registry/secrets/", "cluster objects",
                "cleanup");
        assertThat(r.describe()).contains("/registry/minions/127.0.0.2").contains("PASSED");
        assertThat(tempDrillDirs()).isEqualTo(before);
        // the plain layout (RKE before v0.2.5) drills too, and runNewest picks the newest set
        Manifest plain = backup(repo, "v0.2.4");
        DrillReport newest = EtcdDrill.builder(repo).build().runNewest();
        assertThat(newest.setId()).isEqualTo(plain.setId());
        assertThat(newest.ok()).as(newest.describe()).isTrue();
    }

    @Test
    void aTruncatedSetFails() throws Exception {
        BackupRepository repo = repo();
        Manifest m = backup(repo, "v1.6.3");
        // damage in the store: verification catches it before anything is restored
        Path object;
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            object = s.filter(p -> p.toString().endsWith("drill.zip")).findFirst().orElseThrow();
        }
        byte[] all = Files.readAllBytes(object);
        Files.write(object, java.util.Arrays.copyOf(all, all.length / 2));
        DrillReport damaged = EtcdDrill.builder(repo).build().run(m.setId());
        assertThat(damaged.ok()).isFalse();
        assertThat(damaged.checks().get(damaged.checks().size() - 1).name()).isNotEqualTo("healthy");
        assertThat(damaged.describe()).contains("FAILED verify");

        // a set whose manifest matches a truncated snapshot (written by a tool that did not check it): only a
        // restore can tell
        Path snap = ETCD.etcdctlSnapshot(0, dir.resolve("full.db"));
        byte[] db = Files.readAllBytes(snap);
        byte[] cut = java.util.Arrays.copyOf(db, db.length - 4096);
        String id;
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("drill-test"))) {
            w.add("snapshots/cut", RkeArtifacts.ETCD_SNAPSHOT, ArtifactSource.local("cut"), new java.io
                    .ByteArrayInputStream(cut), cut.length, Map.of());
            id = w.commit().setId();
        }
        DrillReport truncated = EtcdDrill.builder(repo).build().run(id);
        assertThat(truncated.ok()).isFalse();
        assertThat(truncated.describe()).contains("ok     verify").contains("FAILED restore")
                .contains("snapshot restore failed");
    }

    @Test
    void aSetFromAnotherClusterFailsOnTheClusterObjects() throws Exception {
        BackupRepository repo = repo();
        try (RkeEtcdCluster other = RkeEtcdCluster.foreign(1, 5, ETCD.pki())) {
            other.start();
            other.loadRegistry(10, 9);
            Path snap = other.etcdctlSnapshot(0, dir.resolve("other.db"));
            Path state = ETCD.writeStateFile(dir.resolve("cluster.rkestate"));
            String id;
            try (BackupSetWriter w = repo.newSet(SetMetadata.of("drill-test"));
                 InputStream in = Files.newInputStream(snap)) {
                w.add("snapshots/other", RkeArtifacts.ETCD_SNAPSHOT, ArtifactSource.local("other"), in,
                        Files.size(snap));
                w.add("cluster.rkestate", RkeArtifacts.RKESTATE, ArtifactSource.local("s"), Files.readAllBytes(state));
                id = w.commit().setId();
            }
            DrillReport r = EtcdDrill.builder(repo).build().run(id);
            assertThat(r.ok()).as(r.describe()).isFalse();
            assertThat(r.describe()).contains("ok     healthy").contains("FAILED cluster objects")
                    .contains("/registry/minions/127.0.0.1");
        }
    }

    @Test
    void missingToolsAreNamed() throws Exception {
        BackupRepository repo = repo();
        Manifest m = backup(repo, "v1.6.3");
        DrillReport r = EtcdDrill.builder(repo).binDirectory(Files.createDirectories(dir.resolve("empty-bin")))
                .build().run(m.setId());
        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).contains("FAILED tools").contains("etcd and etcdutl (etcd 3.5+) or etcdctl (3.4)")
                .contains("apt-get install etcd-server etcd-client").contains("--etcd-bin");
    }
}
