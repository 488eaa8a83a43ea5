package dev.rkebackup.rke.backup;

import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.node.testing.OpenSshServer;
import dev.rkebackup.rke.node.testing.SshNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: etcd nodes that are Debian OpenSSH servers ({@code /usr/sbin/sshd}, one process per node on its own
 * 127.0.0.1 port). Each sshd runs in a private mount namespace with its own tmpfs on the same snapshot directory
 * path, so like real nodes every node has its own snapshot directory under one path (root-owned, mode 0755) and a
 * node can be given a tmpfs too small for the snapshot (a real ENOSPC). The test reaches each node's directory from
 * outside through {@code /proc/<sshd pid>/root}. Logins: {@code root}, and the unprivileged {@link #SUDO_USER} with
 * password-less sudo (an {@code /etc/sudoers.d} file removed on close). Needs root and the Debian packages
 * openssh-server, sudo and util-linux; a missing one fails with the package to install.
 */
final class OpenSshCluster implements AutoCloseable {
    static final String SUDO_USER = "rkbcollect";
    private static final Path SUDOERS = Path.of("/etc/sudoers.d/rkb-collect-test");

    final Path base;
    final Path snapshotDir;
    final Path key;
    final Path knownHosts;
    private final List<OpenSshServer> servers = new ArrayList<>();
    private final List<Path> serverDirs = new ArrayList<>();

    private OpenSshCluster(Path base, Path key) {
        this.base = base;
        this.snapshotDir = base.resolve("etcd-snapshots");
        this.key = key;
        this.knownHosts = base.resolve("known_hosts");
    }

    /**
     * Starts one sshd per tmpfs size.
     *
     * @param sizes tmpfs size of each node's snapshot directory, e.g. {@code 32m}
     */
    static OpenSshCluster start(String... sizes) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/sudo"))) {
            throw new IllegalStateException("/usr/bin/sudo is missing: apt-get install -y sudo");
        }
        Path base = Files.createTempDirectory(Path.of("/tmp"), "rkb-collect-openssh-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        OpenSshServer.ensureUser(SUDO_USER);
        Files.writeString(SUDOERS, SUDO_USER + " ALL=(root) NOPASSWD: ALL\n");
        Files.setPosixFilePermissions(SUDOERS, PosixFilePermissions.fromString("r--r-----"));
        OpenSshCluster c = new OpenSshCluster(base, SshNodes.generateUserKey(base.resolve("id_ed25519"),
                SshNodes.KeyType.ED25519, ""));
        try {
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < sizes.length; i++) {
                Path dir = Files.createDirectories(base.resolve("sshd" + i));
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                OpenSshServer s = OpenSshServer.start(dir, List.of(Path.of(c.key + ".pub")), null, c.snapshotDir,
                        sizes[i]);
                c.servers.add(s);
                c.serverDirs.add(dir);
                known.append(s.knownHostsLine()).append('\n');
            }
            Files.writeString(c.knownHosts, known.toString());
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    OpenSshServer server(int i) {
        return servers.get(i);
    }

    /** Node {@code i}'s private snapshot directory, seen from outside its mount namespace. */
    Path nodeDir(int i) {
        try {
            String pid = Files.readString(serverDirs.get(i).resolve("sshd.pid")).strip();
            Path dir = Path.of("/proc/" + pid + "/root" + snapshotDir);
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("cannot see the snapshot directory of sshd " + pid + " at " + dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("sshd of node " + i + " wrote no pid file", e);
        }
    }

    /** Copies a file into node {@code i}'s snapshot directory as RKE v0.2.7+ leaves it: owned by root, mode 0600. */
    Path putRootOnly(int i, Path file) throws IOException {
        Path target = Files.copy(file, nodeDir(i).resolve(file.getFileName()));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }

    /** Every file name in node {@code i}'s snapshot directory, temporary ones included, sorted. */
    List<String> listing(int i) throws IOException {
        try (Stream<Path> s = Files.list(nodeDir(i))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Writes a cluster.yml (and a state file beside it) naming the nodes as {@code 127.0.0.1:<port>} with the given
     * login users, the cluster key as {@code ssh_key_path}.
     *
     * @param dir where the config goes
     * @param nodes the node indexes, in cluster.yml order
     * @param users the login user of each listed node
     * @return the loaded config
     */
    ClusterConfig writeConfig(Path dir, List<Integer> nodes, List<String> users) throws IOException {
        Files.createDirectories(dir);
        StringBuilder y = new StringBuilder("cluster_name: openssh-test\nssh_key_path: ").append(key)
                .append("\nnodes:\n");
        for (int k = 0; k < nodes.size(); k++) {
            y.append("- address: 127.0.0.1\n  port: \"").append(servers.get(nodes.get(k)).port())
                    .append("\"\n  user: ").append(users.get(k)).append("\n  hostname_override: n")
                    .append(nodes.get(k)).append("\n  role: [etcd, controlplane, worker]\n");
        }
        Path config = Files.writeString(dir.resolve("cluster.yml"), y.toString());
        Path state = dir.resolve("cluster.rkestate");
        if (!Files.exists(state)) {
            Files.writeString(state, StandinCluster.STATE);
        }
        return ClusterConfig.load(config);
    }

    SshOptions options(boolean sudo) {
        return SshOptions.defaults().withKnownHosts(knownHosts).withSudo(sudo)
                .withConnectTimeout(Duration.ofSeconds(5));
    }

    String label(int i) {
        return "127.0.0.1:" + servers.get(i).port();
    }

    @Override
    public void close() throws Exception {
        try {
            Files.deleteIfExists(SUDOERS);
        } finally {
            for (OpenSshServer s : servers) {
                s.close();
            }
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
