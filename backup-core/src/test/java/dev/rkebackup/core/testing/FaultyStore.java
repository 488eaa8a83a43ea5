package dev.rkebackup.core.testing;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ForwardingObjectStore;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a real store to inject the faults a real disk or network shows at an exact moment: a disk that fills after
 * N bytes of writes, and counts of how often objects were opened (to prove that data is read once).
 */
public final class FaultyStore extends ForwardingObjectStore {
    private final AtomicLong bytesUntilFull = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger opens = new AtomicInteger();

    /**
     * Wraps a store.
     *
     * @param delegate the real store
     */
    public FaultyStore(ObjectStore delegate) {
        super(delegate);
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
        super.put(key, new FilterInputStream(content) {
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
        return super.open(key);
    }

    @Override
    public void delete(Collection<String> keys) {
        if (bytesUntilFull.get() < 0 && keys.isEmpty()) {
            throw StorageException.permanent("unreachable", null);
        }
        super.delete(keys);
    }

    @Override
    public String describe() {
        return "faulty(" + delegate().describe() + ")";
    }
}
