package dev.rkebackup.core.internal;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads one object as consecutive ranges fetched in parallel ({@link ObjectStore#openRange}) and yields its bytes in
 * order. At most {@code streams} ranges are in flight and one is being consumed, so memory is bounded by
 * {@code (streams + 1) × chunk}. A range that fails is fetched again (three attempts) before the read fails.
 * Internal: not a published API. Closing stops the fetches.
 */
public final class ParallelRangeInputStream extends InputStream {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int ATTEMPTS = 3;

    private final ObjectStore store;
    private final String key;
    private final long size;
    private final int chunk;
    private final int streams;
    private final ExecutorService executor;
    private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private long nextOffset;
    private byte[] current = new byte[0];
    private int pos;
    private boolean closed;

    /**
     * Starts fetching. Waits for the first range, so a missing object fails here as it would on {@code open}.
     *
     * @param store the store
     * @param key the object's key
     * @param size the object's size (known from a stat)
     * @param chunk bytes per range
     * @param streams ranges in flight at once
     * @throws dev.rkebackup.core.ObjectNotFoundException if the object is missing
     * @throws StorageException if the first range cannot be read
     */
    public ParallelRangeInputStream(ObjectStore store, String key, long size, int chunk, int streams) {
        this.store = store;
        this.key = key;
        this.size = size;
        this.chunk = chunk;
        this.streams = streams;
        this.executor = Executors.newFixedThreadPool(streams, r -> {
            Thread t = new Thread(r, "rke-backup-range-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < streams; i++) {
            schedule();
        }
        try {
            Future<byte[]> first = inFlight.peekFirst();
            if (first != null) {
                first.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
            throw StorageException.retryable("reading '" + key + "' was interrupted", e);
        } catch (ExecutionException e) {
            executor.shutdownNow();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw StorageException.retryable("cannot read '" + key + "': " + e.getCause(), e.getCause());
        }
    }

    /**
     * The size of each range for a JVM: a sixteenth of the heap, between 1 and 8 MiB.
     *
     * @return bytes per range
     */
    public static int defaultChunk() {
        long v = Runtime.getRuntime().maxMemory() / 16;
        return (int) Math.max(1 << 20, Math.min(8 << 20, v));
    }

    private void schedule() {
        if (nextOffset >= size) {
            return;
        }
        long off = nextOffset;
        int len = (int) Math.min(chunk, size - off);
        nextOffset += len;
        inFlight.addLast(executor.submit(() -> fetch(off, len)));
    }

    private byte[] fetch(long off, int len) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (InputStream in = store.openRange(key, off, len)) {
                byte[] buf = in.readNBytes(len);
                if (buf.length != len) {
                    throw new IOException("'" + key + "' ended after " + (off + buf.length) + " of " + size
                            + " bytes");
                }
                return buf;
            } catch (StorageException e) {
                if (!e.isRetryable() || attempt == ATTEMPTS) {
                    throw e;
                }
                last = new IOException(e.getMessage(), e);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream of '" + key + "' is closed");
        }
        if (len == 0) {
            return 0;
        }
        if (pos == current.length && !advance()) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean advance() throws IOException {
        Future<byte[]> next = inFlight.pollFirst();
        if (next == null) {
            return false;
        }
        current = new byte[0]; // let the consumed range go before waiting for the next
        try {
            current = next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("reading '" + key + "' was interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException("cannot read '" + key + "': " + c, c);
        }
        pos = 0;
        schedule();
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inFlight.forEach(f -> f.cancel(true));
            executor.shutdownNow();
        }
    }
}
