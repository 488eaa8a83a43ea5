package dev.rkebackup.rke.backup;

import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.node.testing.SshNodes;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Test helper: the three stand-in nodes of a {@link StandinCluster} served over real SSH. One in-JVM SSH/SFTP server
 * ({@link SshNodes}) per etcd node whose root directory IS the stand-in's node root (the fixture's empty root is
 * replaced by a symlink to it before the first session), so the snapshot the stand-in writes from the real etcd is
 * what SFTP reads. A second cluster.yml beside its own copy of the state file names the nodes as RKE would reach them:
 * {@code 127.0.0.1} with each server's port, user {@code rke}, the fixture's key as cluster {@code ssh_key_path};
 * host keys are checked against the fixture's known_hosts.
 */
final class SshCluster implements AutoCloseable {
    final StandinCluster standin;
    final SshNodes ssh;
    final Path configFile;
    final Path wrongKey;
    private final Map<Integer, Path> keyOverrides = new HashMap<>();
    private final Map<Integer, String> inlineKeys = new HashMap<>();
    private Integer bastion;

    private SshCluster(StandinCluster standin, SshNodes ssh, Path configFile, Path wrongKey) {
        this.standin = standin;
        this.ssh = ssh;
        this.configFile = configFile;
        this.wrongKey = wrongKey;
    }

    static SshCluster start(EtcdCluster etcd, String version, Path tmp) throws Exception {
        StandinCluster standin = new StandinCluster(etcd, version, tmp);
        SshNodes ssh = SshNodes.start(tmp.resolve("ssh"), StandinCluster.HOSTS.size(), SshNodes.KeyType.ED25519);
        try {
            for (int i = 0; i < StandinCluster.HOSTS.size(); i++) {
                Path fixtureRoot = ssh.node(i).root();
                try (Stream<Path> s = Files.list(fixtureRoot)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalStateException("fixture root " + fixtureRoot + " is not empty");
                    }
                }
                Files.delete(fixtureRoot);
                Files.createSymbolicLink(fixtureRoot, standin.standin.nodeRoot(StandinCluster.HOSTS.get(i)));
            }
            Path wrongKey = SshNodes.generateUserKey(tmp.resolve("ssh").resolve("id_not_authorized"),
                    SshNodes.KeyType.ED25519, "");
            Path dir = Files.createDirectories(tmp.resolve("ssh-cluster"));
            Files.writeString(dir.resolve("rancher-cluster.rkestate"), StandinCluster.STATE);
            SshCluster c = new SshCluster(standin, ssh, dir.resolve("rancher-cluster.yml"), wrongKey);
            c.writeConfig();
            return c;
        } catch (Exception e) {
            ssh.close();
            throw e;
        }
    }

    /** Gives one node its own {@code ssh_key_path} (which wins over the cluster's) and rewrites the config. */
    void nodeKey(int node, Path key) {
        keyOverrides.put(node, key);
        writeConfig();
    }

    /** Gives one node an inline {@code ssh_key} (which wins over every key path) and rewrites the config. */
    void nodeInlineKey(int node, String privateKey) {
        inlineKeys.put(node, privateKey);
        writeConfig();
    }

    /** Makes every node reachable only through node {@code node}'s server as {@code bastion_host}. */
    void bastion(int node) {
        bastion = node;
        writeConfig();
    }

    private void writeConfig() {
        StringBuilder y = new StringBuilder("cluster_name: ssh-test\nssh_key_path: ").append(ssh.userKey())
                .append("\nnodes:\n");
        for (int i = 0; i < StandinCluster.HOSTS.size(); i++) {
            y.append("- address: 127.0.0.1\n  port: \"").append(ssh.node(i).port()).append("\"\n  user: ")
                    .append(SshNodes.USER).append("\n  hostname_override: node").append(i)
                    .append("\n  role: [etcd, controlplane, worker]\n");
            if (keyOverrides.containsKey(i)) {
                y.append("  ssh_key_path: ").append(keyOverrides.get(i)).append('\n');
            }
            if (inlineKeys.containsKey(i)) {
                y.append("  ssh_key: |-\n");
                inlineKeys.get(i).strip().lines().forEach(l -> y.append("    ").append(l).append('\n'));
            }
        }
        if (bastion != null) {
            y.append("bastion_host:\n  address: 127.0.0.1\n  port: \"").append(ssh.node(bastion).port())
                    .append("\"\n  user: ").append(SshNodes.USER).append('\n');
        }
        try {
            Files.writeString(configFile, y.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ClusterConfig config() {
        return ClusterConfig.load(configFile);
    }

    SshOptions options() {
        return SshOptions.defaults().withKnownHosts(ssh.knownHosts()).withConnectTimeout(Duration.ofSeconds(5));
    }

    NodeConnector connector() {
        return NodeConnector.ssh(SshEndpoints.fromConfig(config(), options()));
    }

    RkeBackup.Builder job() {
        return RkeBackup.builder(config(), standin.version, standin.repository, connector());
    }

    RkeBackup.Builder job(NodeConnector connector) {
        return RkeBackup.builder(config(), standin.version, standin.repository, connector);
    }

    RestorePreparation.Builder restore(String setId) {
        return restore(setId, connector());
    }

    RestorePreparation.Builder restore(String setId, NodeConnector connector) {
        return RestorePreparation.builder(standin.repository, setId, config(), standin.version, connector);
    }

    /** How reports name node {@code i}: the addresses repeat, so {@code 127.0.0.1:<port>}. */
    String label(int i) {
        return "127.0.0.1:" + ssh.node(i).port();
    }

    List<String> labels() {
        return List.of(label(0), label(1), label(2));
    }

    Path snapshotFile(int node, String name) {
        return standin.snapshotFile(StandinCluster.HOSTS.get(node), name);
    }

    Path snapshotDir(int node) {
        return standin.standin.snapshotDir(StandinCluster.HOSTS.get(node));
    }

    /** File names in a node's snapshot directory (including temporary ones), sorted. */
    List<String> listing(int node) throws IOException {
        try (Stream<Path> s = Files.list(snapshotDir(node))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() {
        ssh.close();
    }
}
