package dev.rkebackup.rke.backup;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.exec.SnapshotResult;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: three etcd nodes (10.0.0.1-3) whose file systems are directories, a cluster config and state file
 * beside it, the rke stand-in of one version taking real snapshots from a real etcd, and a filesystem store.
 */
final class StandinCluster {
    static final List<String> HOSTS = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");
    static final String STATE = "{\"desiredState\": {\"rkeConfig\": {\"clusterName\": \"t\"}}, \"currentState\": {}}\n";

    final RkeVersion version;
    final RkeStandin standin;
    final Path configFile;
    final Path storeDir;
    final BackupRepository repository;
    final RkeRunner runner;

    StandinCluster(EtcdCluster etcd, String version, Path tmp) {
        try {
            this.version = RkeVersion.parse(version);
            RkeStandin.Builder b = RkeStandin.builder(version, tmp.resolve("standin")).etcd(etcd);
            for (int i = 0; i < HOSTS.size(); i++) {
                b.node(HOSTS.get(i), i % etcd.size());
            }
            this.standin = b.build();
            Path dir = Files.createDirectories(tmp.resolve("cluster"));
            this.configFile = dir.resolve("rancher-cluster.yml");
            Files.writeString(configFile, standin.clusterYaml(""));
            Files.writeString(dir.resolve("rancher-cluster.rkestate"), STATE);
            this.storeDir = tmp.resolve("store");
            this.repository = BackupRepository.create(FileSystemObjectStore.create(storeDir));
            this.runner = RkeRunner.builder(RkeBinary.at(standin.executable()))
                    .workDirectory(Files.createDirectories(tmp.resolve("work"))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ClusterConfig config() {
        return ClusterConfig.load(configFile);
    }

    NodeConnector nodes() {
        return NodeConnector.localDirectories(n -> standin.nodeRoot(n.address()));
    }

    RkeBackup.Builder job() {
        return RkeBackup.builder(config(), version, repository, nodes());
    }

    SnapshotResult snapshot(String name) {
        SnapshotResult r = runner.snapshotSave(SnapshotSaveRequest.builder(configFile).name(name).build());
        if (!r.isSuccess()) {
            throw new IllegalStateException("stand-in snapshot failed: " + r);
        }
        return r;
    }

    Path snapshotFile(String host, String name) {
        return standin.snapshotDir(host).resolve(version.snapshotFileName(name));
    }
}
