package dev.rkebackup.rke.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.node.NodeAccessException.Problem;
import dev.rkebackup.rke.node.testing.OpenSshServer;
import dev.rkebackup.rke.node.testing.SshNodes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SshNodeAccess} against Debian's OpenSSH server started by the test: RSA and ed25519 keys, certificates, the
 * SSH agent with a passphrase-protected key, root-only snapshots with and without sudo, a full disk (a tmpfs in
 * sshd's private mount namespace), a changed host key and a bastion. Needs root and the Debian packages
 * openssh-server and sudo.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenSshInteropTest {
    private static final String SUDO_USER = "rkbnode";
    private static final String PLAIN_USER = "rkbnosudo";
    private static final Path SUDOERS = Path.of("/etc/sudoers.d/rkb-node-test");
    private static Path base;
    private static Path snapDir;
    private static Path full;
    private static Path rsaKey;
    private static Path edKey;
    private static Path certKey;
    private static Path encKey;
    private static Path encRsaKey;
    private static Process rsaAgent;
    private static Path rsaAgentSocket;
    private static Path knownHosts;
    private static OpenSshServer sshd;
    private static Process agent;
    private static Path agentSocket;
    private static byte[] snapshot;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/sudo"))) {
            throw new IllegalStateException("/usr/bin/sudo is missing: apt-get install -y sudo");
        }
        base = Files.createTempDirectory(Path.of("/tmp"), "rkb-openssh-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        OpenSshServer.ensureUser(SUDO_USER);
        OpenSshServer.ensureUser(PLAIN_USER);
        Files.writeString(SUDOERS, SUDO_USER + " ALL=(root) NOPASSWD: ALL\n");
        Files.setPosixFilePermissions(SUDOERS, PosixFilePermissions.fromString("r--r-----"));

        rsaKey = SshNodes.generateUserKey(base.resolve("id_rsa"), SshNodes.KeyType.RSA, "");
        edKey = SshNodes.generateUserKey(base.resolve("id_ed25519"), SshNodes.KeyType.ED25519, "");
        encKey = SshNodes.generateUserKey(base.resolve("id_enc"), SshNodes.KeyType.ED25519, "agent-only-pass");
        encRsaKey = SshNodes.generateUserKey(base.resolve("id_enc_rsa"), SshNodes.KeyType.RSA, "agent-only-pass");
        certKey = SshNodes.generateUserKey(base.resolve("id_cert"), SshNodes.KeyType.ED25519, "");
        Path ca = SshNodes.generateUserKey(base.resolve("ca"), SshNodes.KeyType.ED25519, "");
        OpenSshServer.run(List.of("/usr/bin/ssh-keygen", "-q", "-s", ca.toString(), "-I", "rkb-test", "-n",
                "root," + SUDO_USER, "-V", "-5m:+1h", certKey + ".pub"));

        snapDir = Files.createDirectories(base.resolve("opt/rke/etcd-snapshots"));
        snapshot = new byte[2 * 1024 * 1024 + 5];
        new Random(3).nextBytes(snapshot);
        Path snap = Files.write(snapDir.resolve("snap.zip"), snapshot);
        Files.setPosixFilePermissions(snap, PosixFilePermissions.fromString("rw-------"));
        full = base.resolve("full");

        sshd = OpenSshServer.start(base, List.of(Path.of(rsaKey + ".pub"), Path.of(edKey + ".pub"),
                Path.of(encKey + ".pub"), Path.of(encRsaKey + ".pub")), Path.of(ca + ".pub"), full, "1m");
        knownHosts = Files.writeString(base.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
        agentSocket = base.resolve("agent.sock");
        agent = startAgent(agentSocket, encKey);
        rsaAgentSocket = base.resolve("agent-rsa.sock");
        rsaAgent = startAgent(rsaAgentSocket, encRsaKey);
    }

    /** Starts ssh-agent on a socket and adds a passphrase-protected key to it (through SSH_ASKPASS). */
    private static Process startAgent(Path socket, Path key) throws Exception {
        Process agentProcess = new ProcessBuilder("/usr/bin/ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(base.resolve(socket.getFileName() + ".log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ssh-agent did not create " + socket);
            }
            Thread.sleep(20);
        }
        Path askpass = Files.writeString(base.resolve("askpass.sh"), "#!/bin/sh\necho agent-only-pass\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder add = new ProcessBuilder("/usr/bin/ssh-add", key.toString()).redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        add.environment().put("SSH_ASKPASS", askpass.toString());
        add.environment().put("SSH_ASKPASS_REQUIRE", "force");
        add.environment().put("DISPLAY", ":0");
        Process p = add.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("ssh-add: %s", out).isZero();
        return agentProcess;
    }

    @AfterAll
    static void stop() throws Exception {
        Files.deleteIfExists(SUDOERS);
        for (Process a : new Process[] {agent, rsaAgent}) {
            if (a != null) {
                a.destroy();
            }
        }
        if (sshd != null) {
            sshd.close();
        }
        if (base != null) {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static NodeEndpoint.Builder endpoint(String user, Path key) {
        return NodeEndpoint.builder("127.0.0.1", user).port(sshd.port()).key(SshKey.file(key))
                .hostKeys(HostKeyPolicy.knownHosts(knownHosts)).connectTimeout(Duration.ofSeconds(10));
    }

    private static String snapPath() {
        return snapDir.resolve("snap.zip").toString();
    }

    @Test
    void rootWithRsaKeyReadsHashesWithSha256sumAndWritesAtomically() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", rsaKey).build())) {
            RemoteFile f = node.stat(snapPath()).orElseThrow();
            assertThat(f.owner()).isEqualTo("root");
            assertThat(f.octalMode()).isEqualTo("0600");
            try (InputStream in = node.openRead(snapPath())) {
                assertThat(in.readAllBytes()).isEqualTo(snapshot);
            }
            assertThat(node.sha256(snapPath())).isEqualTo(SshNodeAccessTest.sha256(snapshot));
            String target = snapDir.resolve("written.zip").toString();
            WriteResult r = node.writeAtomically(target, new ByteArrayInputStream(snapshot), snapshot.length, false);
            assertThat(r.outcome()).isEqualTo(WriteResult.Outcome.CREATED);
            assertThat(Files.readAllBytes(Path.of(target))).isEqualTo(snapshot);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(target))))
                    .isEqualTo("rw-------");
            assertThat(node.list(snapDir.toString())).extracting(RemoteFile::name)
                    .noneMatch(n -> n.startsWith(".rkb-tmp-"));
        }
    }

    @Test
    void certificateSignedByTrustedCaLogsIn() throws Exception {
        NodeEndpoint withCert = endpoint("root", certKey)
                .certificate(SshCertificate.file(Path.of(certKey + "-cert.pub"))).build();
        try (SshNodeAccess node = SshNodeAccess.connect(withCert)) {
            assertThat(node.stat(snapPath())).isPresent();
        }
        assertThatThrownBy(() -> SshNodeAccess.connect(endpoint("root", certKey).build()))
                .isInstanceOfSatisfying(NodeAccessException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.AUTH_REFUSED));
        assertThatThrownBy(() -> SshNodeAccess.connect(endpoint("root", edKey)
                .certificate(SshCertificate.file(Path.of(certKey + "-cert.pub"))).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("certifies another key");
    }

    @Test
    void passphraseProtectedKeyWorksThroughTheAgentOnly() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", encKey)
                .key(SshKey.agent(agentSocket)).build())) {
            assertThat(node.sha256(snapPath())).isEqualTo(SshNodeAccessTest.sha256(snapshot));
        }
        assertThatThrownBy(() -> SshNodeAccess.connect(endpoint("root", encKey).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ssh_agent_auth");
        // RSA through the agent must use rsa-sha2 signatures: OpenSSH 9 refuses ssh-rsa (SHA-1)
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", encRsaKey)
                .key(SshKey.agent(rsaAgentSocket)).build())) {
            assertThat(node.stat(snapPath())).isPresent();
        }
    }

    @Test
    void hashedKnownHostsEntriesAreUnderstood() throws Exception {
        Path hashed = Files.writeString(base.resolve("known_hosts_hashed"), sshd.knownHostsLine() + "\n");
        OpenSshServer.run(List.of("/usr/bin/ssh-keygen", "-q", "-H", "-f", hashed.toString()));
        assertThat(Files.readString(hashed)).startsWith("|1|");
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", edKey)
                .hostKeys(HostKeyPolicy.knownHosts(hashed)).build())) {
            assertThat(node.stat(snapPath())).isPresent();
        }
    }

    @Test
    void rootOnlySnapshotWithoutSudoNamesFileOwnerAndFix() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint(SUDO_USER, edKey).sudoAllowed(false).build())) {
            assertThatThrownBy(() -> node.openRead(snapPath())).isInstanceOfSatisfying(NodeAccessException.class,
                    e -> {
                        assertThat(e.problem()).isEqualTo(Problem.PERMISSION_DENIED);
                        assertThat(e.getMessage()).contains(snapPath(), "root", "0600", "user '" + SUDO_USER + "'",
                                "allow sudo");
                    });
            assertThatThrownBy(() -> node.writeAtomically(snapDir.resolve("x.zip").toString(),
                    new ByteArrayInputStream(snapshot), snapshot.length, false))
                    .isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.PERMISSION_DENIED));
        }
    }

    @Test
    void rootOnlySnapshotIsReadAndWrittenThroughSudo() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint(SUDO_USER, edKey).sudoAllowed(true).build())) {
            try (InputStream in = node.openRead(snapPath())) {
                assertThat(in.readAllBytes()).isEqualTo(snapshot);
            }
            assertThat(node.sha256(snapPath())).isEqualTo(SshNodeAccessTest.sha256(snapshot));
            Path target = snapDir.resolve("via-sudo.zip");
            WriteResult r = node.writeAtomically(target.toString(), new ByteArrayInputStream(snapshot),
                    snapshot.length, false);
            assertThat(r.outcome()).isEqualTo(WriteResult.Outcome.CREATED);
            assertThat(Files.readAllBytes(target)).isEqualTo(snapshot);
            assertThat(Files.getOwner(target, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
            assertThat(node.writeAtomically(target.toString(), new ByteArrayInputStream(snapshot), snapshot.length,
                    false).outcome()).isEqualTo(WriteResult.Outcome.UNCHANGED);
            assertThatThrownBy(() -> node.openRead(snapDir.resolve("absent.zip").toString()))
                    .isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND));
        }
        try (Stream<Path> s = Files.list(snapDir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".rkb-tmp-"));
        }
    }

    @Test
    void sudoThatNeedsAPasswordIsAClearError() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint(PLAIN_USER, edKey).sudoAllowed(true).build())) {
            assertThatThrownBy(() -> node.openRead(snapPath())).isInstanceOfSatisfying(NodeAccessException.class,
                    e -> {
                        assertThat(e.problem()).isEqualTo(Problem.PERMISSION_DENIED);
                        assertThat(e.getMessage()).contains("sudo -n was refused", "NOPASSWD", snapPath());
                    });
        }
    }

    @Test
    void fullDiskOnWriteIsNoSpaceAndLeavesNothingBehind() throws Exception {
        byte[] tooBig = new byte[3 * 1024 * 1024];
        String target = full.resolve("snap.zip").toString();
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", edKey).build())) {
            assertThatThrownBy(() -> node.writeAtomically(target, new ByteArrayInputStream(tooBig), tooBig.length,
                    false)).isInstanceOfSatisfying(NodeAccessException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.NO_SPACE);
                        assertThat(e.getMessage()).contains(target, "full");
                    });
            assertThat(node.stat(target)).isEmpty();
            assertThat(node.list(full.toString())).isEmpty();
            // a file that fits still goes through (checked below, after the sudo case)
        }
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint(SUDO_USER, edKey).sudoAllowed(true).build())) {
            assertThatThrownBy(() -> node.writeAtomically(target, new ByteArrayInputStream(tooBig), tooBig.length,
                    false)).isInstanceOfSatisfying(NodeAccessException.class, e -> {
                        assertThat(e.problem()).as(e.getMessage()).isEqualTo(Problem.NO_SPACE);
                        assertThat(e.getMessage()).contains(target, "full");
                    });
        }
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", edKey).build())) {
            assertThat(node.list(full.toString())).isEmpty();
            byte[] small = new byte[100_000];
            assertThat(node.writeAtomically(target, new ByteArrayInputStream(small), small.length, false).outcome())
                    .isEqualTo(WriteResult.Outcome.CREATED);
        }
    }

    @Test
    void changedHostKeyOfOpenSshIsRefused() throws Exception {
        Path other = base.resolve("other_host_key");
        OpenSshServer.run(List.of("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()));
        String[] f = Files.readString(Path.of(other + ".pub")).split("\\s+");
        Path wrong = Files.writeString(base.resolve("known_hosts_wrong"),
                "[127.0.0.1]:" + sshd.port() + " " + f[0] + " " + f[1] + "\n");
        assertThatThrownBy(() -> SshNodeAccess.connect(endpoint("root", edKey)
                .hostKeys(HostKeyPolicy.knownHosts(wrong)).build()))
                .isInstanceOfSatisfying(NodeAccessException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.HOST_KEY_CHANGED);
                    assertThat(e.getMessage()).contains(wrong.toString(), "CHANGED");
                });
    }

    @Test
    void droppedConnectionMidReadFromOpenSsh() throws Exception {
        Path big = snapDir.resolve("big.zip");
        byte[] data = new byte[32 * 1024 * 1024];
        Files.write(big, data);
        try (SshNodeAccess node = SshNodeAccess.connect(endpoint("root", edKey).build());
             InputStream in = node.openRead(big.toString())) {
            byte[] buf = new byte[512 * 1024];
            in.readNBytes(buf, 0, buf.length);
            sshd.dropConnections();
            assertThatThrownBy(() -> {
                while (in.read(buf) >= 0) {
                    // read until the break shows
                }
            }).isInstanceOf(IOException.class).hasCauseInstanceOf(NodeAccessException.class);
        } finally {
            Files.delete(big);
        }
    }

    @Test
    void reachesOpenSshThroughAMinaBastion() throws Exception {
        try (SshNodes bastions = SshNodes.start(base.resolve("bastion"), 1, SshNodes.KeyType.ED25519)) {
            NodeEndpoint target = endpoint("root", edKey).bastion(bastions.endpoint(0).build()).build();
            try (SshNodeAccess node = SshNodeAccess.connect(target)) {
                assertThat(bastions.node(0).activeSessions()).isEqualTo(1);
                assertThat(node.sha256(snapPath())).isEqualTo(SshNodeAccessTest.sha256(snapshot));
            }
        }
    }
}
