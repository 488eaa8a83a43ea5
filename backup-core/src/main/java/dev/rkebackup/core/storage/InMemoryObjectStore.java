package dev.rkebackup.core.storage;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ObjectStore} that keeps its objects in the heap, for fast unit tests of code that uses a store and for
 * wrappers ({@link ForwardingObjectStore}) under test. It keeps the whole {@link ObjectStore} contract (the
 * contract suite runs against it); the only limit is the heap, so objects are capped at 1 GiB.
 *
 * <pre>{@code
 * try (ObjectStore store = InMemoryObjectStore.create()) {
 *     BackupRepository repo = BackupRepository.builder(store).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} forgets nothing: the objects stay readable, like a directory after its store was
 * closed.
 */
public final class InMemoryObjectStore implements ObjectStore {
    /** The largest object this store takes. */
    public static final long MAX_OBJECT_BYTES = 1L << 30;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Map<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final String name;
    private final Clock clock;

    private record Stored(byte[] bytes, Instant lastModified) {
    }

    private InMemoryObjectStore(String name, Clock clock) {
        this.name = name;
        this.clock = clock;
    }

    /**
     * Creates an empty store with a name of its own.
     *
     * @return the store
     */
    public static InMemoryObjectStore create() {
        return new InMemoryObjectStore("memory-" + SEQUENCE.incrementAndGet(), Clock.systemUTC());
    }

    /**
     * Creates an empty store whose modification times come from a clock, for tests of time-dependent logic.
     *
     * @param clock gives each put its modification time
     * @return the store
     */
    public static InMemoryObjectStore withClock(Clock clock) {
        return new InMemoryObjectStore("memory-" + SEQUENCE.incrementAndGet(), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public void put(String key, InputStream content, long length) {
        ObjectKeys.validate(key);
        if (length < 0) {
            throw new InvalidInputException("length must not be negative for '" + key + "': " + length);
        }
        if (length > MAX_OBJECT_BYTES) {
            throw StorageException.permanent("object '" + key + "' of " + length + " bytes is larger than "
                    + describe() + " takes (" + MAX_OBJECT_BYTES + "); use a file system or S3 store", null);
        }
        byte[] bytes = readExactly(key, content, (int) length);
        objects.put(key, new Stored(bytes, clock.instant()));
    }

    private byte[] readExactly(String key, InputStream content, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, 1 << 20));
        byte[] buf = new byte[64 * 1024];
        int total = 0;
        try {
            while (total < length) {
                int n = content.read(buf, 0, Math.min(buf.length, length - total));
                if (n < 0) {
                    throw StorageException.permanent("stream for '" + key + "' ended after " + total + " of "
                            + length + " bytes; nothing was stored", null);
                }
                out.write(buf, 0, n);
                total += n;
            }
            if (content.read() >= 0) {
                throw StorageException.permanent("stream for '" + key + "' has more than the declared " + length
                        + " bytes; nothing was stored", null);
            }
        } catch (IOException e) {
            throw StorageException.permanent("reading the content for '" + key + "' failed after " + total
                    + " bytes: " + e.getMessage() + "; nothing was stored", e);
        }
        return out.toByteArray();
    }

    @Override
    public InputStream open(String key) {
        ObjectKeys.validate(key);
        Stored s = objects.get(key);
        if (s == null) {
            throw StorageException.notFound(key, describe());
        }
        return new ByteArrayInputStream(s.bytes());
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        Stored s = objects.get(key);
        return s == null ? Optional.empty() : Optional.of(new ObjectInfo(key, s.bytes().length, s.lastModified()));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.validatePrefix(prefix);
        List<ObjectInfo> out = new ArrayList<>();
        objects.forEach((k, s) -> {
            if (k.startsWith(prefix)) {
                out.add(new ObjectInfo(k, s.bytes().length, s.lastModified()));
            }
        });
        return List.copyOf(out);
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(ObjectKeys::validate);
        keys.forEach(objects::remove);
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
