package dev.rkebackup.rke.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.rke.node.NodeAccessException.Problem;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalNodeAccess} on a directory standing in for a node. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalNodeAccessTest {
    @TempDir
    Path root;

    @Test
    void readsStatsListsHashesAndWritesAtomically() throws Exception {
        byte[] data = "etcd snapshot bytes".getBytes();
        Path dir = Files.createDirectories(root.resolve("opt/rke/etcd-snapshots"));
        Files.write(dir.resolve("a.zip"), data);
        try (LocalNodeAccess node = LocalNodeAccess.rooted(root)) {
            RemoteFile f = node.stat("/opt/rke/etcd-snapshots/a.zip").orElseThrow();
            assertThat(f.size()).isEqualTo(data.length);
            assertThat(f.owner()).isEqualTo(System.getProperty("user.name"));
            assertThat(node.stat("/opt/rke/etcd-snapshots/b.zip")).isEmpty();
            assertThat(node.list("/opt/rke/etcd-snapshots")).extracting(RemoteFile::path)
                    .containsExactly("/opt/rke/etcd-snapshots/a.zip");
            try (InputStream in = node.openRead("/opt/rke/etcd-snapshots/a.zip")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(node.sha256("/opt/rke/etcd-snapshots/a.zip")).isEqualTo(SshNodeAccessTest.sha256(data));

            WriteResult w = node.writeAtomically("/opt/rke/etcd-snapshots/b.zip", new ByteArrayInputStream(data),
                    data.length, false);
            assertThat(w.outcome()).isEqualTo(WriteResult.Outcome.CREATED);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("b.zip"))))
                    .isEqualTo("rw-------");
            assertThat(node.writeAtomically("/opt/rke/etcd-snapshots/b.zip", new ByteArrayInputStream(data),
                    data.length, false).outcome()).isEqualTo(WriteResult.Outcome.UNCHANGED);
            byte[] other = "other snapshot bytes".getBytes();
            assertThatThrownBy(() -> node.writeAtomically("/opt/rke/etcd-snapshots/b.zip",
                    new ByteArrayInputStream(other), other.length, false))
                    .isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.ALREADY_EXISTS));
            assertThat(node.writeAtomically("/opt/rke/etcd-snapshots/b.zip", new ByteArrayInputStream(other),
                    other.length, true).outcome()).isEqualTo(WriteResult.Outcome.REPLACED);
            assertThat(Files.readAllBytes(dir.resolve("b.zip"))).isEqualTo(other);
            assertThatThrownBy(() -> node.writeAtomically("/opt/rke/etcd-snapshots/c.zip",
                    new ByteArrayInputStream(data), data.length + 1, false))
                    .isInstanceOfSatisfying(NodeAccessException.class,
                            e -> assertThat(e.getMessage()).contains("ended after"));
            assertThat(SshNodeAccessTest.tempFiles(dir)).isEmpty();
            assertThat(dir.resolve("c.zip")).doesNotExist();
        }
    }

    @Test
    void missingFilesAndEscapingPaths() {
        LocalNodeAccess node = LocalNodeAccess.rooted(root);
        assertThatThrownBy(() -> node.openRead("/nope")).isInstanceOfSatisfying(NodeAccessException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND));
        assertThatThrownBy(() -> node.list("/nope")).isInstanceOfSatisfying(NodeAccessException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND));
        assertThatThrownBy(() -> node.openRead("/../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> node.openRead("relative")).isInstanceOf(IllegalArgumentException.class);
        assertThat(node.describe()).startsWith("local:");
    }
}
