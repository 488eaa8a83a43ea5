package dev.rkebackup.s3.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;

/**
 * A bounded pool of part buffers shared by all uploads of one store: at most {@code maxBuffers} exist at any time,
 * so a store's upload memory is capped at {@code maxBuffers × partSize} however many puts run at once.
 * Thread-safe.
 */
public final class BufferPool {
    private final Semaphore permits;
    private final Deque<byte[]> free = new ArrayDeque<>();

    /**
     * Creates a pool.
     *
     * @param maxBuffers the most buffers handed out at once
     */
    public BufferPool(int maxBuffers) {
        this.permits = new Semaphore(maxBuffers, true);
    }

    /**
     * Takes a buffer of at least {@code size} bytes, waiting while all are in use.
     *
     * @param size the minimum size
     * @return a buffer; give it back with {@link #release(byte[])}
     * @throws InterruptedException if interrupted while waiting
     */
    public byte[] acquire(int size) throws InterruptedException {
        permits.acquire();
        synchronized (free) {
            byte[] b = free.pollFirst();
            if (b != null && b.length >= size) {
                return b;
            }
        }
        try {
            return new byte[size]; // a too-small free buffer is dropped and replaced
        } catch (OutOfMemoryError e) {
            permits.release();
            throw e;
        }
    }

    /**
     * Returns a buffer to the pool.
     *
     * @param buffer a buffer from {@link #acquire(int)}
     */
    public void release(byte[] buffer) {
        synchronized (free) {
            free.addFirst(buffer);
        }
        permits.release();
    }

    /** Drops the idle buffers so their memory can be reclaimed. */
    public void clear() {
        synchronized (free) {
            free.clear();
        }
    }
}
