package dev.rkebackup.rke.snapshot.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-size byte ring between one writer thread and one reader thread. Unlike {@link java.io.PipedInputStream} it
 * does not depend on which threads are alive: the writer blocks while the ring is full, the reader blocks while it is
 * empty, {@link #closeWrite()} signals end of data and {@link #cancel()} releases both sides at once (later writes are
 * dropped, reads fail).
 */
public final class BoundedPipe {
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int head;
    private int count;
    private boolean writeClosed;
    private boolean cancelled;

    /**
     * Creates a pipe.
     *
     * @param capacity ring size in bytes
     */
    public BoundedPipe(int capacity) {
        this.ring = new byte[capacity];
    }

    /**
     * Appends bytes, blocking while the ring is full. Dropped silently after {@link #cancel()}.
     *
     * @param b buffer
     * @param off offset
     * @param len length
     * @throws InterruptedIOException if the writer is interrupted while waiting
     */
    public void write(byte[] b, int off, int len) throws InterruptedIOException {
        lock.lock();
        try {
            while (len > 0) {
                while (count == ring.length && !cancelled) {
                    await(notFull);
                }
                if (cancelled) {
                    return;
                }
                int tailPos = (head + count) % ring.length;
                int n = Math.min(len, Math.min(ring.length - count, ring.length - tailPos));
                System.arraycopy(b, off, ring, tailPos, n);
                count += n;
                off += n;
                len -= n;
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Marks the end of data; the reader sees EOF once the ring is empty. */
    public void closeWrite() {
        lock.lock();
        try {
            writeClosed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Releases both sides: the reader gets an exception, the writer never blocks again. */
    public void cancel() {
        lock.lock();
        try {
            cancelled = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void await(Condition c) throws InterruptedIOException {
        try {
            c.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the snapshot check pipe");
        }
    }

    /**
     * The reading side. Only one thread may read from it.
     *
     * @return a stream over the pipe's bytes
     */
    public InputStream reader() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                lock.lock();
                try {
                    while (count == 0 && !writeClosed && !cancelled) {
                        await(notEmpty);
                    }
                    if (cancelled) {
                        throw new IOException("snapshot check cancelled: the stream was closed before its end");
                    }
                    if (count == 0) {
                        return -1;
                    }
                    int n = Math.min(len, Math.min(count, ring.length - head));
                    System.arraycopy(ring, head, b, off, n);
                    head = (head + n) % ring.length;
                    count -= n;
                    notFull.signal();
                    return n;
                } finally {
                    lock.unlock();
                }
            }
        };
    }
}
