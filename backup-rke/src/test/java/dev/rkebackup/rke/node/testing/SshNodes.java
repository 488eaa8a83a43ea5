package dev.rkebackup.rke.node.testing;

import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * N in-JVM SSH/SFTP servers (Apache MINA SSHD) on 127.0.0.1, one per "node", each with its own directory standing in
 * for that node's file system: node path {@code /opt/rke/x} is {@code <node root>/opt/rke/x} and clients cannot
 * leave the root. Each node has its own generated host key; one user key (RSA or ed25519, made with
 * {@code ssh-keygen}) is authorized on all of them. TCP forwarding is allowed, so any node can serve as a bastion.
 *
 * <pre>{@code
 * try (SshNodes nodes = SshNodes.start(tmp, 3, SshNodes.KeyType.ED25519)) {
 *     nodes.node(0).writeFile("/opt/rke/etcd-snapshots/s.zip", bytes);
 *     try (NodeAccess a = SshNodeAccess.connect(nodes.endpoint(0).build())) { ... }
 * }
 * }</pre>
 */
public final class SshNodes implements AutoCloseable {
    /** Login user on every node. */
    public static final String USER = "rke";

    private final Path dir;
    private final Path userKey;
    private final List<Node> nodes = new ArrayList<>();
    private final Path knownHosts;

    private SshNodes(Path dir, Path userKey) {
        this.dir = dir;
        this.userKey = userKey;
        this.knownHosts = dir.resolve("known_hosts");
    }

    /** Type of the user key. */
    public enum KeyType {
        /** RSA 3072. */
        RSA,
        /** ed25519. */
        ED25519
    }

    /**
     * Starts the nodes.
     *
     * @param dir working directory (keys, node roots, known_hosts)
     * @param count number of nodes
     * @param keyType type of the authorized user key
     * @return the running nodes; known_hosts already lists all of them
     * @throws Exception if a server cannot start or ssh-keygen is missing
     */
    public static SshNodes start(Path dir, int count, KeyType keyType) throws Exception {
        Files.createDirectories(dir);
        Path key = generateUserKey(dir.resolve(keyType == KeyType.RSA ? "id_rsa" : "id_ed25519"), keyType, "");
        SshNodes nodes = new SshNodes(dir, key);
        try {
            for (int i = 0; i < count; i++) {
                Path root = Files.createDirectories(dir.resolve("node" + i));
                Node n = new Node("node" + i, root, readAuthorized(key));
                n.start(0);
                nodes.nodes.add(n);
            }
            nodes.writeKnownHosts(nodes.knownHosts);
            return nodes;
        } catch (Exception e) {
            nodes.close();
            throw e;
        }
    }

    /**
     * Generates an OpenSSH key pair with {@code ssh-keygen}.
     *
     * @param file private key file; the public key goes to {@code file + ".pub"}
     * @param type key type
     * @param passphrase passphrase, empty for none
     * @return the private key file
     * @throws Exception if ssh-keygen is missing or fails
     */
    public static Path generateUserKey(Path file, KeyType type, String passphrase) throws Exception {
        Path keygen = Path.of("/usr/bin/ssh-keygen");
        if (!Files.isExecutable(keygen)) {
            throw new IllegalStateException("/usr/bin/ssh-keygen is missing: apt-get install -y openssh-client");
        }
        List<String> cmd = new ArrayList<>(List.of(keygen.toString(), "-q", "-t",
                type == KeyType.RSA ? "rsa" : "ed25519", "-N", passphrase, "-C", "rke-backup-test", "-f",
                file.toString()));
        if (type == KeyType.RSA) {
            cmd.addAll(List.of("-b", "3072"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + out);
        }
        return file;
    }

    private static List<PublicKey> readAuthorized(Path privateKey) throws IOException, GeneralSecurityException {
        List<PublicKey> keys = new ArrayList<>();
        for (AuthorizedKeyEntry e : AuthorizedKeyEntry.readAuthorizedKeys(Path.of(privateKey + ".pub"))) {
            keys.add(e.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
        }
        return keys;
    }

    /**
     * The nodes.
     *
     * @return all nodes
     */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * One node.
     *
     * @param i index
     * @return the node
     */
    public Node node(int i) {
        return nodes.get(i);
    }

    /**
     * The authorized user's private key file (OpenSSH format, no passphrase).
     *
     * @return the key file
     */
    public Path userKey() {
        return userKey;
    }

    /**
     * The known_hosts file listing every node's current host key as {@code [127.0.0.1]:port}.
     *
     * @return the file
     */
    public Path knownHosts() {
        return knownHosts;
    }

    /**
     * Writes a known_hosts file with the nodes' current host keys.
     *
     * @param file target file
     * @return the file
     * @throws IOException if writing fails
     */
    public Path writeKnownHosts(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append(n.knownHostsLine()).append('\n');
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    /**
     * An endpoint builder for node {@code i}: 127.0.0.1, its port, user {@link #USER}, the user key file and the
     * fixture's known_hosts.
     *
     * @param i node index
     * @return the builder
     */
    public NodeEndpoint.Builder endpoint(int i) {
        return NodeEndpoint.builder("127.0.0.1", USER).port(node(i).port()).key(SshKey.file(userKey))
                .hostKeys(HostKeyPolicy.knownHosts(knownHosts)).connectTimeout(Duration.ofSeconds(10));
    }

    /**
     * The working directory.
     *
     * @return the directory
     */
    public Path dir() {
        return dir;
    }

    /** Stops every node. */
    @Override
    public void close() {
        for (Node n : nodes) {
            n.stop();
        }
    }

    /** One in-JVM SSH/SFTP server with its own root directory. */
    public static final class Node {
        private final String name;
        private final Path root;
        private final List<PublicKey> authorized;
        private KeyPair hostKey;
        private SshServer server;
        private int port;

        private Node(String name, Path root, List<PublicKey> authorized) throws GeneralSecurityException {
            this.name = name;
            this.root = root;
            this.authorized = List.copyOf(authorized);
            this.hostKey = newHostKey();
        }

        private static KeyPair newHostKey() throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        }

        private void start(int wantedPort) throws IOException {
            SshServer s = SshServer.setUpDefaultServer();
            s.setHost("127.0.0.1");
            s.setPort(wantedPort);
            s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
            s.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                    && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
            s.setPasswordAuthenticator(null);
            s.setKeyboardInteractiveAuthenticator(null);
            VirtualFileSystemFactory fs = new VirtualFileSystemFactory();
            fs.setUserHomeDir(USER, root);
            s.setFileSystemFactory(fs);
            s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            s.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
            s.start();
            this.server = s;
            this.port = s.getPort();
        }

        /**
         * The node's name ({@code node0}, ...).
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * The listening port.
         *
         * @return the port
         */
        public int port() {
            return port;
        }

        /**
         * The directory standing in for the node's {@code /}.
         *
         * @return the root
         */
        public Path root() {
            return root;
        }

        /**
         * The local file behind a node path.
         *
         * @param nodePath absolute path on the node
         * @return the file under the root
         */
        public Path file(String nodePath) {
            Objects.requireNonNull(nodePath, "nodePath");
            return root.resolve(nodePath.substring(1));
        }

        /**
         * Writes a file on the node (creating directories).
         *
         * @param nodePath absolute path on the node
         * @param content the bytes
         * @return the local file
         * @throws IOException if writing fails
         */
        public Path writeFile(String nodePath, byte[] content) throws IOException {
            Path f = file(nodePath);
            Files.createDirectories(f.getParent());
            return Files.write(f, content);
        }

        /**
         * The line for known_hosts, {@code [127.0.0.1]:port <key>}.
         *
         * @return the line
         */
        public String knownHostsLine() {
            return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic());
        }

        /**
         * Replaces the host key (as a reinstalled node or a man-in-the-middle would); known_hosts keeps the old one.
         *
         * @throws GeneralSecurityException if key generation fails
         */
        public void changeHostKey() throws GeneralSecurityException {
            hostKey = newHostKey();
            server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        }

        /**
         * Number of open SSH sessions on this node (e.g. to see that a bastion carries a tunnel).
         *
         * @return open sessions
         */
        public int activeSessions() {
            return server.getActiveSessions().size();
        }

        /** Closes every open session at once, like a dropped network link. */
        public void dropConnections() {
            server.getActiveSessions().forEach(s -> s.close(true));
        }

        /** Stops the server; connections are then refused. */
        public void stop() {
            if (server != null) {
                try {
                    server.stop(true);
                } catch (IOException e) {
                    // stopping a test server; nothing to do
                }
            }
        }

        /**
         * Starts the server again on the same port.
         *
         * @throws IOException if the port is taken meanwhile
         */
        public void restart() throws IOException {
            stop();
            start(port);
        }
    }
}
