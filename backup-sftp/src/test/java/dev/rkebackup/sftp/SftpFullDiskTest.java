package dev.rkebackup.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.core.testing.GeneratedStream;
import dev.rkebackup.sftp.testing.SftpServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real ENOSPC: the server's store directory is an 8 MiB tmpfs in sshd's own mount namespace. */
@Timeout(120)
class SftpFullDiskTest {
    @Test
    void aFullDiskIsReportedAsSuchAndNothingIsLeft() throws Exception {
        try (SftpServer server = SftpServer.start("8m");
                ObjectStore store = ObjectStores.open(server.uri("store"))) {
            long size = 16L << 20;
            assertThatThrownBy(() -> store.put("set/snapshot", GeneratedStream.of(1, size), size))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse())
                    .hasMessageContaining("disk is full")
                    .hasMessageContaining("set/snapshot");
            assertThat(store.list("")).isEmpty();
            Path dir = server.hostView(server.dataDir.resolve("store/set"));
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s).isEmpty();
            }
            store.put("set/small", new ByteArrayInputStream(new byte[] {1}), 1); // space is back
            assertThat(store.list("")).hasSize(1);
        }
    }
}
