package dev.rkebackup.examples.cli;

import dev.rkebackup.rke.node.testing.SshNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * One real SSH/SFTP server (Apache MINA SSHD) per etcd node, each bound to the node's own loopback address
 * ({@code 127.0.0.1}, {@code 127.0.0.2}, ...) on a free port, serving a given directory as the node's {@code /}.
 * Unlike {@link SshNodes} (all on 127.0.0.1) the addresses differ, so a cluster.yml can name every node by a distinct
 * {@code address} the way the rke stand-in keys its per-node roots, while {@code port:} picks the server.
 * One ed25519 user key (made with {@code ssh-keygen}) is authorized for user {@link #USER} on all nodes; each node
 * has its own host key, and {@link #knownHosts()} lists them all as {@code [address]:port}.
 */
public final class LoopbackSshNodes implements AutoCloseable {
    public static final String USER = "rke";

    private final Path userKey;
    private final Path knownHosts;
    private final Map<String, SshServer> servers = new LinkedHashMap<>();

    private LoopbackSshNodes(Path userKey, Path knownHosts) {
        this.userKey = userKey;
        this.knownHosts = knownHosts;
    }

    /**
     * Starts one server per entry.
     *
     * @param dir where the user key and known_hosts go
     * @param roots node address (a 127.x.y.z address) to the directory serving as that node's root
     * @return the running servers
     */
    public static LoopbackSshNodes start(Path dir, Map<String, Path> roots) throws Exception {
        Files.createDirectories(dir);
        Path key = SshNodes.generateUserKey(dir.resolve("id_ed25519"), SshNodes.KeyType.ED25519, "");
        List<PublicKey> authorized = new ArrayList<>();
        for (AuthorizedKeyEntry e : AuthorizedKeyEntry.readAuthorizedKeys(Path.of(key + ".pub"))) {
            authorized.add(e.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
        }
        LoopbackSshNodes nodes = new LoopbackSshNodes(key, dir.resolve("known_hosts"));
        StringBuilder known = new StringBuilder();
        try {
            for (Map.Entry<String, Path> e : roots.entrySet()) {
                KeyPair hostKey = hostKey();
                SshServer s = SshServer.setUpDefaultServer();
                s.setHost(e.getKey());
                s.setPort(0);
                s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
                s.setPublickeyAuthenticator((user, k, session) -> USER.equals(user)
                        && authorized.stream().anyMatch(a -> KeyUtils.compareKeys(a, k)));
                s.setPasswordAuthenticator(null);
                s.setKeyboardInteractiveAuthenticator(null);
                VirtualFileSystemFactory fs = new VirtualFileSystemFactory();
                fs.setUserHomeDir(USER, Files.createDirectories(e.getValue()));
                s.setFileSystemFactory(fs);
                s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
                s.start();
                nodes.servers.put(e.getKey(), s);
                known.append('[').append(e.getKey()).append("]:").append(s.getPort()).append(' ')
                        .append(PublicKeyEntry.toString(hostKey.getPublic())).append('\n');
            }
            Files.writeString(nodes.knownHosts, known.toString());
            return nodes;
        } catch (Exception e) {
            nodes.close();
            throw e;
        }
    }

    private static KeyPair hostKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    public int port(String address) {
        return servers.get(address).getPort();
    }

    public Path userKey() {
        return userKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    /** The {@code nodes:} block of a cluster.yml: every node with its port, user and key, all roles. */
    public String nodesYaml() {
        StringBuilder y = new StringBuilder("nodes:\n");
        servers.forEach((address, s) -> y.append("- address: ").append(address).append('\n')
                .append("  port: \"").append(s.getPort()).append("\"\n")
                .append("  user: ").append(USER).append('\n')
                .append("  ssh_key_path: ").append(userKey).append('\n')
                .append("  role: [etcd, controlplane, worker]\n"));
        return y.toString();
    }

    @Override
    public void close() {
        for (SshServer s : servers.values()) {
            try {
                s.stop(true);
            } catch (IOException e) {
                // stopping a test server; nothing to do
            }
        }
    }
}
