package dev.rkebackup.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.core.testing.GeneratedStream;
import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.SshKey;
import dev.rkebackup.rke.node.testing.OpenSshServer;
import dev.rkebackup.rke.node.testing.SshNodes;
import dev.rkebackup.sftp.testing.SftpServer;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SFTP-specific behaviour and bad input, against Debian's OpenSSH sshd on 127.0.0.1. */
@Timeout(120)
class SftpObjectStoreTest {
    private static SftpServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = SftpServer.start(null);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String fresh() {
        return "t-" + UUID.randomUUID();
    }

    @Test
    void filesAre0600AndDirectories0700AndNoTemporaryFileIsLeft() throws Exception {
        String dir = fresh();
        try (ObjectStore store = ObjectStores.open(server.uri(dir))) {
            store.put("set/sub/obj", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
        }
        Path root = server.dataDir.resolve(dir);
        assertThat(perms(root)).isEqualTo("rwx------");
        assertThat(perms(root.resolve("set"))).isEqualTo("rwx------");
        assertThat(perms(root.resolve("set/sub"))).isEqualTo("rwx------");
        assertThat(perms(root.resolve("set/sub/obj"))).isEqualTo("rw-------");
        try (Stream<Path> s = Files.list(root.resolve("set/sub"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("obj");
        }
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void describeNamesTheServerButNoKeyMaterial() {
        try (ObjectStore store = ObjectStores.open(server.uri(fresh()))) {
            assertThat(store.describe()).startsWith("sftp://root@127.0.0.1:" + server.port() + "/")
                    .doesNotContain("identity").doesNotContain("known-hosts");
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintAndHowToAddIt() throws Exception {
        Path empty = Files.writeString(server.base().resolve("empty_known_hosts_" + fresh()), "");
        assertThatThrownBy(() -> SftpObjectStore.builder(server.endpoint().toBuilder()
                .hostKeys(HostKeyPolicy.knownHosts(empty)).build(), server.dataDir.resolve(fresh()).toString())
                .build())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not in the known-hosts file " + empty)
                .hasMessageContaining("SHA256:")
                .hasMessageContaining("ssh-keyscan -p " + server.port());
        assertThat(Files.readString(empty)).isEmpty(); // never silently accepted, never written
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        Path other = server.base().resolve("other-" + fresh());
        OpenSshServer.run(List.of("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()));
        String[] pub = Files.readString(Path.of(other + ".pub")).strip().split("\\s+");
        Path known = Files.writeString(server.base().resolve("changed_known_hosts_" + fresh()),
                "[127.0.0.1]:" + server.port() + " " + pub[0] + " " + pub[1] + "\n");
        assertThatThrownBy(() -> ObjectStores.open("sftp://root@127.0.0.1:" + server.port()
                + server.dataDir.resolve(fresh()) + "?known-hosts=" + known + "&identity=" + server.key))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("CHANGED");
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefusedClearly() throws Exception {
        Path wrong = SshNodes.generateUserKey(server.base().resolve("wrong-" + fresh()), SshNodes.KeyType.ED25519, "");
        assertThatThrownBy(() -> ObjectStores.open("sftp://root@127.0.0.1:" + server.port()
                + server.dataDir.resolve(fresh()) + "?known-hosts=" + server.knownHosts + "&identity=" + wrong))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("refused the SSH login of user 'root'")
                .hasMessageContaining("key file " + wrong)
                .hasMessageContaining("authorized_keys");
    }

    @Test
    void aPassphraseProtectedKeyFileSaysToUseTheAgent() throws Exception {
        Path locked = SshNodes.generateUserKey(server.base().resolve("locked-" + fresh()), SshNodes.KeyType.ED25519,
                "secret passphrase");
        assertThatThrownBy(() -> SftpObjectStore.builder(server.endpoint().toBuilder().key(SshKey.file(locked))
                .build(), server.dataDir.resolve(fresh()).toString()).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("passphrase")
                .hasMessageNotContaining("secret passphrase");
    }

    @Test
    void aPathThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(server.dataDir.resolve("a-file-" + fresh()), "x");
        assertThatThrownBy(() -> ObjectStores.open("sftp://root@127.0.0.1:" + server.port() + file
                + "?known-hosts=" + server.knownHosts + "&identity=" + server.key))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("names a file on the server, not a directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aDirectoryTheUserMayNotWriteGivesAPermissionError() throws Exception {
        OpenSshServer.ensureUser("rkbsftp");
        Path locked = Files.createDirectories(server.dataDir.resolve("locked-" + fresh()));
        Files.setPosixFilePermissions(server.dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ObjectStore store = ObjectStores.open("sftp://rkbsftp@127.0.0.1:" + server.port() + locked
                + "?known-hosts=" + server.knownHosts + "&identity=" + server.key)) {
            assertThatThrownBy(() -> store.put("set/x", new ByteArrayInputStream(new byte[] {1}), 1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("user 'rkbsftp' has no permission")
                    .hasMessageContaining("set/x");
        }
        try (Stream<Path> s = Files.list(locked)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aLinkCutMidUploadFailsRetryablyLeavesNothingAndTheStoreRecovers() throws Exception {
        String dir = fresh();
        long size = 64L << 20;
        try (ObjectStore store = ObjectStores.open(server.uri(dir))) {
            InputStream cutting = new FilterInputStream(GeneratedStream.of(3, size)) {
                private long seen;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    seen += Math.max(n, 0);
                    if (seen >= (8L << 20) && seen - n < (8L << 20)) {
                        server.sshd().dropConnections();
                    }
                    return n;
                }
            };
            assertThatThrownBy(() -> store.put("set/big", cutting, size))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue())
                    .hasMessageContaining("connection to sftp://root@127.0.0.1:" + server.port())
                    .hasMessageContaining("broke");
            assertThat(store.stat("set/big")).isEmpty();
            store.put("set/after", new ByteArrayInputStream(new byte[] {7}), 1);
            assertThat(store.list("set/")).extracting(o -> o.key()).containsExactly("set/after");
        }
        try (Stream<Path> s = Files.list(server.dataDir.resolve(dir).resolve("set"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("after");
        }
    }

    @Test
    void theConnectionPoolIsBounded() throws Exception {
        try (SftpObjectStore store = SftpObjectStore.builder(server.endpoint(), server.dataDir.resolve(fresh())
                .toString()).poolSize(2).poolWait(Duration.ofMillis(300)).build()) {
            store.put("a", new ByteArrayInputStream(new byte[] {1}), 1);
            try (InputStream one = store.open("a"); InputStream two = store.open("a")) {
                assertThatThrownBy(() -> store.open("a"))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("no SFTP connection")
                        .hasMessageContaining("became free");
                assertThat(one.read()).isEqualTo(1);
                assertThat(two.read()).isEqualTo(1);
            }
            try (InputStream again = store.open("a")) {
                assertThat(again.readAllBytes()).containsExactly(1);
            }
        }
    }

    @Test
    void aRelativePathLivesUnderTheLoginDirectory() throws Exception {
        String dir = fresh();
        try (SftpObjectStore store = (SftpObjectStore) ObjectStores.open("sftp://root@127.0.0.1:" + server.port()
                + "/~/" + dir + "?known-hosts=" + server.knownHosts + "&identity=" + server.key)) {
            assertThat(store.root()).isEqualTo("/root/" + dir);
            store.put("k", new ByteArrayInputStream(new byte[] {1}), 1);
        } finally {
            Path p = Path.of("/root", dir);
            Files.deleteIfExists(p.resolve("k"));
            Files.deleteIfExists(p);
        }
    }
}
