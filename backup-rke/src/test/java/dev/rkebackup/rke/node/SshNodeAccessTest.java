package dev.rkebackup.rke.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.node.NodeAccessException.Problem;
import dev.rkebackup.rke.node.testing.SshNodes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SshNodeAccess} against real in-JVM SSH/SFTP servers (one per node) and the faults of the issue. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SshNodeAccessTest {
    private static final String SNAP = "/opt/rke/etcd-snapshots/snap1.zip";
    @TempDir
    static Path dir;
    private static SshNodes nodes;
    private static byte[] data;

    @BeforeAll
    static void start() throws Exception {
        nodes = SshNodes.start(dir.resolve("nodes"), 3, SshNodes.KeyType.ED25519);
        data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        for (SshNodes.Node n : nodes.nodes()) {
            n.writeFile(SNAP, data);
        }
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @Test
    void readsStatsListsAndHashesOverSftpWithAnEd25519KeyFile() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(nodes.endpoint(0).build())) {
            RemoteFile f = node.stat(SNAP).orElseThrow();
            assertThat(f.size()).isEqualTo(data.length);
            assertThat(f.directory()).isFalse();
            assertThat(node.stat("/opt/rke/etcd-snapshots/missing.zip")).isEmpty();
            assertThat(node.list("/opt/rke/etcd-snapshots")).extracting(RemoteFile::name).contains("snap1.zip");
            try (InputStream in = node.openRead(SNAP)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            // the MINA server runs no commands, so this is the read-back path
            assertThat(node.sha256(SNAP)).isEqualTo(sha256(data));
            assertThat(node.describe()).isEqualTo("rke@127.0.0.1:" + nodes.node(0).port());
        }
    }

    @Test
    void inlineRsaKeyWorksAndNeverShows() throws Exception {
        Path rsa = SshNodes.generateUserKey(dir.resolve("rsa-other"), SshNodes.KeyType.RSA, "");
        String pem = Files.readString(rsa);
        NodeEndpoint refused = nodes.endpoint(1).key(SshKey.inline(Secret.of(pem))).build();
        assertThat(refused.toString()).doesNotContain(pem.substring(40, 80)).contains(Secret.REDACTED);
        assertThatThrownBy(() -> SshNodeAccess.connect(refused)).isInstanceOfSatisfying(NodeAccessException.class,
                e -> {
                    assertThat(e.problem()).isEqualTo(Problem.AUTH_REFUSED);
                    assertThat(e.getMessage()).contains("user 'rke'", "inline ssh_key", "authorized_keys")
                            .doesNotContain(pem.substring(40, 80));
                });
        try (SshNodes rsaNodes = SshNodes.start(dir.resolve("rsa-nodes"), 1, SshNodes.KeyType.RSA)) {
            String key = Files.readString(rsaNodes.userKey());
            try (SshNodeAccess node = SshNodeAccess.connect(rsaNodes.endpoint(0)
                    .key(SshKey.inline(Secret.of(key))).build())) {
                assertThat(node.stat("/")).isPresent();
            }
        }
    }

    @Test
    void atomicWriteCreatesMode0600AndRefusesToOverwriteADifferentFile() throws Exception {
        String target = "/opt/rke/etcd-snapshots/restore.zip";
        try (SshNodeAccess node = SshNodeAccess.connect(nodes.endpoint(2).build())) {
            WriteResult r = node.writeAtomically(target, new ByteArrayInputStream(data), data.length, false);
            assertThat(r.outcome()).isEqualTo(WriteResult.Outcome.CREATED);
            assertThat(r.sha256()).isEqualTo(sha256(data));
            Path local = nodes.node(2).file(target);
            assertThat(Files.readAllBytes(local)).isEqualTo(data);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).isEqualTo("rw-------");

            WriteResult again = node.writeAtomically(target, new ByteArrayInputStream(data), data.length, false);
            assertThat(again.outcome()).isEqualTo(WriteResult.Outcome.UNCHANGED);

            byte[] other = data.clone();
            other[5] ^= 1;
            assertThatThrownBy(() -> node.writeAtomically(target, new ByteArrayInputStream(other), other.length,
                    false)).isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.ALREADY_EXISTS));
            assertThat(Files.readAllBytes(local)).isEqualTo(data);
            WriteResult replaced = node.writeAtomically(target, new ByteArrayInputStream(other), other.length, true);
            assertThat(replaced.outcome()).isEqualTo(WriteResult.Outcome.REPLACED);
            assertThat(Files.readAllBytes(local)).isEqualTo(other);

            byte[] shortContent = new byte[10];
            assertThatThrownBy(() -> node.writeAtomically("/opt/rke/etcd-snapshots/short.zip",
                    new ByteArrayInputStream(shortContent), 20, false))
                    .isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.getMessage()).contains("ended after 10 of 20 bytes"));
            assertThat(nodes.node(2).file("/opt/rke/etcd-snapshots/short.zip")).doesNotExist();
            assertThat(tempFiles(local.getParent())).isEmpty();
        }
    }

    @Test
    void missingFilesAndDirectoriesAreNotFound() throws Exception {
        try (SshNodeAccess node = SshNodeAccess.connect(nodes.endpoint(0).build())) {
            assertThatThrownBy(() -> node.openRead("/opt/rke/etcd-snapshots/nope.zip"))
                    .isInstanceOfSatisfying(NodeAccessException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND);
                        assertThat(e.getMessage()).contains("/opt/rke/etcd-snapshots/nope.zip", "does not exist");
                    });
            assertThatThrownBy(() -> node.list("/no/such/dir")).isInstanceOfSatisfying(NodeAccessException.class,
                    e -> assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND));
            assertThatThrownBy(() -> node.writeAtomically("/no/such/dir/x", new ByteArrayInputStream(data),
                    data.length, false)).isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND));
            assertThatThrownBy(() -> node.openRead("relative/path")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void nodeThatIsDownIsUnreachable() throws Exception {
        SshNodes.Node n = nodes.node(1);
        n.stop();
        try {
            assertThatThrownBy(() -> SshNodeAccess.connect(nodes.endpoint(1).build()))
                    .isInstanceOfSatisfying(NodeAccessException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.UNREACHABLE);
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).contains("127.0.0.1:" + n.port(), "check that the node is up");
                    });
        } finally {
            n.restart();
        }
    }

    @Test
    void serverThatNeverSpeaksSshTimesOutAsUnreachable() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            NodeEndpoint e = nodes.endpoint(0).port(silent.getLocalPort()).connectTimeout(Duration.ofSeconds(1))
                    .build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> SshNodeAccess.connect(e)).isInstanceOfSatisfying(NodeAccessException.class,
                    ex -> {
                        assertThat(ex.problem()).isEqualTo(Problem.UNREACHABLE);
                        assertThat(ex.getMessage()).contains("127.0.0.1:" + silent.getLocalPort());
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void changedHostKeyIsAClearErrorAndUnknownHostIsRefused() throws Exception {
        Path single = dir.resolve("single");
        try (SshNodes one = SshNodes.start(single, 1, SshNodes.KeyType.ED25519)) {
            one.node(0).changeHostKey();
            assertThatThrownBy(() -> SshNodeAccess.connect(one.endpoint(0).build()))
                    .isInstanceOfSatisfying(NodeAccessException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.HOST_KEY_CHANGED);
                        assertThat(e.getMessage()).contains("CHANGED", one.knownHosts().toString(), "ssh-keygen -R",
                                "[127.0.0.1]:" + one.node(0).port(), "SHA256:");
                    });
            Path empty = Files.writeString(single.resolve("empty_known_hosts"), "");
            assertThatThrownBy(() -> SshNodeAccess.connect(one.endpoint(0)
                    .hostKeys(HostKeyPolicy.knownHosts(empty)).build()))
                    .isInstanceOfSatisfying(NodeAccessException.class, e -> {
                        assertThat(e.problem()).isEqualTo(Problem.HOST_KEY_UNKNOWN);
                        assertThat(e.getMessage()).contains(empty.toString(), "ssh-keyscan");
                    });
            // skipping the check is explicit and then connects
            try (SshNodeAccess node = SshNodeAccess.connect(one.endpoint(0)
                    .hostKeys(HostKeyPolicy.insecureAcceptAny()).build())) {
                assertThat(node.stat("/")).isPresent();
            }
        }
    }

    @Test
    void reachesANodeThroughABastion() throws Exception {
        NodeEndpoint bastion = nodes.endpoint(0).build();
        NodeEndpoint target = nodes.endpoint(2).bastion(bastion).build();
        assertThat(target.describe()).contains(" via rke@127.0.0.1:" + nodes.node(0).port());
        int before = nodes.node(0).activeSessions();
        try (SshNodeAccess node = SshNodeAccess.connect(target)) {
            assertThat(nodes.node(0).activeSessions()).isEqualTo(before + 1);
            assertThat(node.sha256(SNAP)).isEqualTo(sha256(data));
        }
        // the node's own host key is checked, under its own name, through the tunnel
        Path wrong = Files.writeString(dir.resolve("kh-bastion-only"), nodes.node(0).knownHostsLine() + "\n");
        NodeEndpoint unknownTarget = nodes.endpoint(2).hostKeys(HostKeyPolicy.knownHosts(wrong))
                .bastion(bastion).build();
        assertThatThrownBy(() -> SshNodeAccess.connect(unknownTarget))
                .isInstanceOfSatisfying(NodeAccessException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.HOST_KEY_UNKNOWN);
                    assertThat(e.getMessage()).contains("node rke@127.0.0.1:" + nodes.node(2).port());
                });
    }

    @Test
    void droppedConnectionMidReadIsReportedAndNeverLooksLikeEndOfFile() throws Exception {
        byte[] big = new byte[24 * 1024 * 1024];
        new Random(2).nextBytes(big);
        nodes.node(1).writeFile("/opt/rke/etcd-snapshots/big.zip", big);
        try (SshNodeAccess node = SshNodeAccess.connect(nodes.endpoint(1).build());
             InputStream in = node.openRead("/opt/rke/etcd-snapshots/big.zip")) {
            byte[] buf = new byte[1024 * 1024];
            assertThat(in.readNBytes(buf, 0, buf.length)).isEqualTo(buf.length);
            nodes.node(1).dropConnections();
            assertThatThrownBy(() -> {
                while (in.read(buf) >= 0) {
                    // keep reading until the broken connection shows
                }
            }).isInstanceOf(IOException.class).satisfies(e -> {
                assertThat(e.getCause()).isInstanceOf(NodeAccessException.class);
                assertThat(((NodeAccessException) e.getCause()).problem()).isEqualTo(Problem.CONNECTION_LOST);
                assertThat(e.getMessage()).contains("broke after", "big.zip");
            });
        }
    }

    @Test
    void droppedConnectionMidWriteLeavesNothingUnderTheRealName() throws Exception {
        String target = "/opt/rke/etcd-snapshots/dropped.zip";
        byte[] big = new byte[16 * 1024 * 1024];
        SshNodes.Node n = nodes.node(0);
        InputStream dropping = new ByteArrayInputStream(big) {
            private boolean dropped;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (!dropped && pos >= 4 * 1024 * 1024) {
                    dropped = true;
                    n.dropConnections();
                }
                return super.read(b, off, len);
            }
        };
        try (SshNodeAccess node = SshNodeAccess.connect(nodes.endpoint(0).build())) {
            assertThatThrownBy(() -> node.writeAtomically(target, dropping, big.length, false))
                    .isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.CONNECTION_LOST));
        }
        assertThat(n.file(target)).doesNotExist();
    }

    @Test
    void passphraseProtectedKeyFileIsRefusedWithTheAgentHint() throws Exception {
        Path enc = SshNodes.generateUserKey(dir.resolve("encrypted"), SshNodes.KeyType.ED25519, "s3cret-pass");
        assertThatThrownBy(() -> SshNodeAccess.connect(nodes.endpoint(0).key(SshKey.file(enc)).build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(enc.toString()).hasMessageContaining("passphrase")
                .hasMessageContaining("ssh-add").hasMessageNotContaining("s3cret-pass");
        Path missing = dir.resolve("no-such-key");
        assertThatThrownBy(() -> SshNodeAccess.connect(nodes.endpoint(0).key(SshKey.file(missing)).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
    }

    @Test
    void endpointValidation() {
        assertThatThrownBy(() -> NodeEndpoint.builder("", "u").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeEndpoint.builder("h", "u").port(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeEndpoint.builder("h", " ").build()).isInstanceOf(IllegalArgumentException.class);
        NodeEndpoint e = NodeEndpoint.builder("h", "u").build();
        assertThat(e.port()).isEqualTo(22);
        assertThat(e.bastion()).isEmpty();
        assertThat(e.toBuilder().port(2222).build().port()).isEqualTo(2222);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static List<Path> tempFiles(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".rkb-tmp-")).toList();
        }
    }
}
