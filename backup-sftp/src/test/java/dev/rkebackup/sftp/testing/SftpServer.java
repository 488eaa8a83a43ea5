package dev.rkebackup.sftp.testing;

import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshKey;
import dev.rkebackup.rke.node.testing.OpenSshServer;
import dev.rkebackup.rke.node.testing.SshNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test fixture: Debian's OpenSSH sshd on a free 127.0.0.1 port, a user key allowed to log in as root, and a
 * known_hosts file with the server's key. With a tmpfs size, {@link #dataDir} is a small tmpfs in sshd's private mount
 * namespace (a real "no space left on device"); seen from the test through {@link #hostView}.
 */
public final class SftpServer implements AutoCloseable {
    /** The directory stores live under, as the server sees it. */
    public final Path dataDir;
    /** The private key that may log in. */
    public final Path key;
    /** A known_hosts file with the server's host key. */
    public final Path knownHosts;
    private final Path base;
    private final OpenSshServer sshd;
    private final Path sshdDir;

    private SftpServer(Path base, Path key, Path knownHosts, OpenSshServer sshd, Path sshdDir, Path dataDir) {
        this.base = base;
        this.key = key;
        this.knownHosts = knownHosts;
        this.sshd = sshd;
        this.sshdDir = sshdDir;
        this.dataDir = dataDir;
    }

    /**
     * Starts sshd.
     *
     * @param tmpfsSize size of a private tmpfs on {@link #dataDir}, e.g. {@code 8m}, or null for the host's disk
     * @return the server
     * @throws Exception if sshd does not start
     */
    public static SftpServer start(String tmpfsSize) throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "rkb-sftp-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path key = SshNodes.generateUserKey(base.resolve("id_ed25519"), SshNodes.KeyType.ED25519, "");
        Path sshdDir = Files.createDirectories(base.resolve("sshd"));
        Path data = Files.createDirectories(base.resolve("data"));
        OpenSshServer sshd = OpenSshServer.start(sshdDir, List.of(Path.of(key + ".pub")), null,
                tmpfsSize == null ? null : data, tmpfsSize);
        Path known = Files.writeString(base.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
        return new SftpServer(base, key, known, sshd, sshdDir, data);
    }

    /** The sshd port. */
    public int port() {
        return sshd.port();
    }

    /** The server process (to cut connections). */
    public OpenSshServer sshd() {
        return sshd;
    }

    /** A scratch directory beside the server's files, for the test's own files. */
    public Path base() {
        return base;
    }

    /**
     * A location under {@link #dataDir}.
     *
     * @param dir a relative directory name
     * @return {@code sftp://root@127.0.0.1:PORT/<dataDir>/<dir>?known-hosts=...&identity=...}
     */
    public String uri(String dir) {
        return "sftp://root@127.0.0.1:" + port() + dataDir.resolve(dir) + "?known-hosts=" + knownHosts
                + "&identity=" + key;
    }

    /**
     * An endpoint for the library API.
     *
     * @return root@127.0.0.1:port with the key and known_hosts
     */
    public NodeEndpoint endpoint() {
        return NodeEndpoint.builder("127.0.0.1", "root").port(port()).key(SshKey.file(key))
                .hostKeys(HostKeyPolicy.knownHosts(knownHosts)).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * A path of the server's file system as the test sees it (through sshd's mount namespace when it has a tmpfs).
     *
     * @param serverPath an absolute path on the server
     * @return the same file for the test
     * @throws Exception if the pid file is unreadable
     */
    public Path hostView(Path serverPath) throws Exception {
        String pid = Files.readString(sshdDir.resolve("sshd.pid")).strip();
        return Path.of("/proc/" + pid + "/root" + serverPath);
    }

    @Override
    public void close() throws Exception {
        sshd.close();
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
