package dev.rkebackup.core.testing;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a real store to inject the faults a real disk or network shows at an exact moment: a disk that fills after
 * N bytes of writes, and counts of how often objects were opened (to prove that data is read once).
 *
 * <p>Deliberately not a {@link dev.rkebackup.core.storage.ForwardingObjectStore}: it has none of the optional
 * abilities (store confirmation, ranged reads) of the store it wraps, and every read and write passes through the
 * methods that inject the faults.
 */
public final class FaultyStore implements ObjectStore {
    private final ObjectStore delegate;
    private final AtomicLong bytesUntilFull = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger opens = new AtomicInteger();

    /**
     * Wraps a store.
     *
     * @param delegate the real store
     */
    public FaultyStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /**
     * Makes writes fail with "No space left on device" once this many more bytes were written.
     *
     * @param bytes the remaining capacity
     */
    public void fillAfter(long bytes) {
        bytesUntilFull.set(bytes);
    }

    /**
     * How many times {@link #open} was called.
     *
     * @return the count
     */
    public int opens() {
        return opens.get();
    }

    @Override
    public void put(String key, InputStream content, long length) {
        delegate.put(key, new FilterInputStream(content) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && bytesUntilFull.addAndGet(-n) < 0) {
                    throw new IOException("No space left on device");
                }
                return n;
            }
        }, length);
    }

    @Override
    public InputStream open(String key) {
        opens.incrementAndGet();
        return delegate.open(key);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(Collection<String> keys) {
        if (bytesUntilFull.get() < 0 && keys.isEmpty()) {
            throw StorageException.permanent("unreachable", null);
        }
        delegate.delete(keys);
    }

    @Override
    public String describe() {
        return "faulty(" + delegate.describe() + ")";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
