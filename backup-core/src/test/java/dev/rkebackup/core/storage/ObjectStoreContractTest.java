package dev.rkebackup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.testing.GeneratedStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link ObjectStore} must keep. An implementation's test extends this class and implements
 * {@link #createStore()}, returning an empty store for each test:
 *
 * <pre>{@code
 * class MyStoreTest extends ObjectStoreContractTest {
 *     protected ObjectStore createStore() { return MyStore.create(freshBucket()); }
 * }
 * }</pre>
 *
 * A subclass that overrides a case must say why in a comment.
 */
@Timeout(300)
public abstract class ObjectStoreContractTest {
    /** The store under test, fresh and empty for each test. */
    protected ObjectStore store;

    /**
     * Creates an empty store for one test. It is closed after the test.
     *
     * @return the store
     * @throws Exception if the store cannot be created (the test fails)
     */
    protected abstract ObjectStore createStore() throws Exception;

    /**
     * The size of the large-object round trip; at least 256 MiB unless a subclass says why not.
     *
     * @return bytes
     */
    protected long largeObjectSize() {
        return 256L << 20;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * Stores a string.
     *
     * @param key the key
     * @param content the UTF-8 content
     */
    protected void putString(String key, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        store.put(key, new ByteArrayInputStream(bytes), bytes.length);
    }

    /**
     * Reads an object as a string.
     *
     * @param key the key
     * @return the UTF-8 content
     * @throws IOException on read failure
     */
    protected String readString(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void emptyObjectRoundTrips() throws IOException {
        store.put("a/empty", InputStream.nullInputStream(), 0);
        assertThat(readString("a/empty")).isEmpty();
        assertThat(store.stat("a/empty")).get().extracting(ObjectInfo::size).isEqualTo(0L);
    }

    @Test
    void smallObjectRoundTripsAndStatReportsSizeAndTime() throws IOException {
        Instant before = Instant.now().minus(Duration.ofMinutes(5));
        putString("set-1/cluster.yml", "nodes: []\n");
        assertThat(readString("set-1/cluster.yml")).isEqualTo("nodes: []\n");
        ObjectInfo info = store.stat("set-1/cluster.yml").orElseThrow();
        assertThat(info.key()).isEqualTo("set-1/cluster.yml");
        assertThat(info.size()).isEqualTo(10);
        assertThat(info.lastModified()).isAfter(before).isBefore(Instant.now().plus(Duration.ofMinutes(5)));
    }

    @Test
    void putReplacesExistingObject() throws IOException {
        putString("k", "first version");
        putString("k", "second");
        assertThat(readString("k")).isEqualTo("second");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("k");
    }

    @Test
    void largeObjectIsStreamedAndComesBackIdentical() throws Exception {
        long size = largeObjectSize();
        store.put("big/snapshot.db", GeneratedStream.of(7, size), size);
        assertThat(store.stat("big/snapshot.db")).get().extracting(ObjectInfo::size).isEqualTo(size);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(store.open("big/snapshot.db"), md)) {
            assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(size);
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(GeneratedStream.sha256(7, size));
    }

    @Test
    void statOfMissingKeyIsEmptyAndOpenThrowsNotFound() {
        assertThat(store.stat("nope/x")).isEmpty();
        assertThatThrownBy(() -> store.open("nope/x"))
                .isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining("nope/x");
    }

    @Test
    void listReturnsKeysUnderPrefixSortedIncludingNested() {
        for (String k : List.of("p/b", "p/a/2", "p/a/1", "q/x", "p2/z", "pa")) {
            putString(k, k);
        }
        assertThat(store.list("p/")).extracting(ObjectInfo::key).containsExactly("p/a/1", "p/a/2", "p/b");
        assertThat(store.list("p")).extracting(ObjectInfo::key)
                .containsExactly("p/a/1", "p/a/2", "p/b", "p2/z", "pa");
        assertThat(store.list("")).extracting(ObjectInfo::key)
                .containsExactly("p/a/1", "p/a/2", "p/b", "p2/z", "pa", "q/x");
        assertThat(store.list("none/")).isEmpty();
        assertThat(store.list("p/a/1")).extracting(ObjectInfo::size).containsExactly(5L);
    }

    @Test
    void deleteRemovesOnlyTheNamedKeysAndIgnoresMissingOnes() {
        putString("d/1", "1");
        putString("d/2", "2");
        putString("d/3", "3");
        store.delete(List.of("d/1", "d/3", "d/does-not-exist"));
        assertThat(store.list("d/")).extracting(ObjectInfo::key).containsExactly("d/2");
        store.delete(List.of());
        assertThat(store.list("")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../b", "/absolute", "a\\b", "a//b", "a/", "", "./a", "a/./b",
        "bad\u0000nul", "line\nbreak"})
    void badKeysAreRejectedWithAClearMessageAndNothingIsWritten(String key) {
        assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(new byte[] {1}), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid object key");
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.stat(key)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.delete(List.of(key))).isInstanceOf(InvalidInputException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void badPrefixIsRejected() {
        assertThatThrownBy(() -> store.list("../")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.list("/abs")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aWriteThatFailsMidStreamLeavesNothingVisible() {
        long size = 3L << 20;
        assertThatThrownBy(() -> store.put("f/partial", GeneratedStream.failingAfter(1, size, 1 << 20), size))
                .isInstanceOf(BackupException.class);
        assertThat(store.stat("f/partial")).isEmpty();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void aFailedReplaceKeepsTheOldObject() throws IOException {
        putString("f/keep", "old content");
        long size = 2L << 20;
        assertThatThrownBy(() -> store.put("f/keep", GeneratedStream.failingAfter(1, size, 1 << 19), size))
                .isInstanceOf(BackupException.class);
        assertThat(readString("f/keep")).isEqualTo("old content");
    }

    @Test
    void aStreamShorterOrLongerThanDeclaredIsRejected() {
        assertThatThrownBy(() -> store.put("s/short", new ByteArrayInputStream(new byte[10]), 20))
                .isInstanceOf(BackupException.class);
        assertThatThrownBy(() -> store.put("s/long", new ByteArrayInputStream(new byte[30]), 20))
                .isInstanceOf(BackupException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void concurrentWritersToDifferentKeysDoNotInterfere() throws Exception {
        int writers = 8;
        long size = 1L << 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int seed = i;
                futures.add(pool.submit(() -> store.put("c/obj-" + seed, GeneratedStream.of(seed, size), size)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.list("c/")).hasSize(writers);
        for (int i = 0; i < writers; i++) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(store.open("c/obj-" + i), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(GeneratedStream.sha256(i, size));
        }
    }

    @Test
    void describeNeverContainsSecretsAndIsNotBlank() {
        assertThat(store.describe()).isNotBlank();
    }
}
