package dev.rkebackup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.testing.GeneratedStream;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the store contract against the filesystem store, plus what only a directory can show. */
class FileSystemObjectStoreTest extends ObjectStoreContractTest {
    @TempDir
    Path tmp;

    @Override
    protected ObjectStore createStore() {
        return FileSystemObjectStore.create(tmp.resolve("store"));
    }

    @Test
    void filesAre0600AndDirectories0700() throws Exception {
        putString("set/nested/snapshot.zip", "secret cluster data");
        Path root = tmp.resolve("store");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("set/nested"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("set/nested/snapshot.zip")))).isEqualTo("rw-------");
    }

    @Test
    void failedWriteLeavesNoTempFileBehind() throws Exception {
        long size = 4L << 20;
        assertThatThrownBy(() -> store.put("x/y", GeneratedStream.failingAfter(3, size, 1 << 20), size))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("x/y");
        try (Stream<Path> files = Files.walk(tmp.resolve("store"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aStoreWhereAFileStandsInTheWayGivesAClearError() throws Exception {
        Path file = Files.writeString(tmp.resolve("plainfile"), "x");
        assertThatThrownBy(() -> FileSystemObjectStore.create(file))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> FileSystemObjectStore.create(file.resolve("sub")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("choose another");
    }

    @Test
    void aReadOnlyDirectoryGivesAPermissionError() throws Exception {
        // root ignores permission bits, so make the directory immutable through a file in the way instead when
        // running as root; as a normal user, remove the write bit.
        Path dir = tmp.resolve("ro");
        FileSystemObjectStore s = FileSystemObjectStore.create(dir);
        if ("root".equals(System.getProperty("user.name"))) {
            Files.writeString(dir.resolve("blocked"), "a file where a directory is needed");
            assertThatThrownBy(() -> s.put("blocked/key", new ByteArrayInputStream(new byte[1]), 1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("blocked/key");
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
            assertThatThrownBy(() -> s.put("key", new ByteArrayInputStream(new byte[1]), 1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void tempNamesAreReservedAndNeverListed() throws Exception {
        Path root = tmp.resolve("store");
        Files.writeString(root.resolve(FileSystemObjectStore.TEMP_PREFIX + "leftover"), "partial");
        assertThat(store.list("")).isEmpty();
        assertThatThrownBy(() -> putString(FileSystemObjectStore.TEMP_PREFIX + "x", "y"))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void objectStoresOpensPlainPathsAndFileUris() throws Exception {
        try (ObjectStore a = ObjectStores.open(tmp.resolve("a").toString());
             ObjectStore b = ObjectStores.open(tmp.resolve("b").toUri().toString())) {
            assertThat(a).isInstanceOf(FileSystemObjectStore.class);
            assertThat(((FileSystemObjectStore) b).root()).isEqualTo(tmp.resolve("b"));
        }
        assertThatThrownBy(() -> ObjectStores.open("gopher://x/y"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no store provider for scheme 'gopher'");
        assertThatThrownBy(() -> ObjectStores.open("file://otherhost/x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("three slashes");
        assertThatThrownBy(() -> ObjectStores.open(" "))
                .isInstanceOf(InvalidInputException.class);
    }
}
