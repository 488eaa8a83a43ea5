package dev.rkebackup.core.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pass-through stream whose bytes are also fed, in order and exactly once, to hash sinks that run on their own
 * daemon threads, so hashing runs alongside the transfer instead of in front of it. The reading thread only copies
 * each chunk into a pooled buffer; memory is bounded by the pool ({@code buffers × chunk} bytes), and the reader
 * waits when every buffer is still being hashed. Internal: not a published API.
 *
 * <p>Call {@link #finish()} after the last byte was read: it waits for the sinks and rethrows a sink's failure.
 * {@link #close()} stops the threads (also before the end) and closes the wrapped stream. Not thread-safe on the
 * reading side, like any stream.
 */
public final class BackgroundHashing extends FilterInputStream {
    /** Receives chunks on a hashing thread. */
    public interface Sink {
        /**
         * Consumes the next bytes.
         *
         * @param b buffer
         * @param off offset
         * @param len length
         */
        void update(byte[] b, int off, int len);
    }

    private static final int CHUNK = 1 << 20;
    private static final int BUFFERS = 4;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Chunk END = new Chunk(new byte[0]);

    private final BlockingQueue<byte[]> free;
    private final List<BlockingQueue<Chunk>> queues = new ArrayList<>();
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private final dev.rkebackup.core.ProgressListener listener;
    private final String path;
    private final long total;
    private long lastReported;
    private Chunk current;
    private int allocated;
    private long count;
    private boolean ended;
    private boolean finished;

    /**
     * Wraps a stream; each group of sinks gets its own thread (so two costly hashes run on two cores).
     *
     * @param in the stream to read; closed by {@link #close()}
     * @param groups sinks, one list per thread; empty lists are skipped
     */
    public BackgroundHashing(InputStream in, List<List<Sink>> groups) {
        this(in, groups, dev.rkebackup.core.ProgressListener.NONE, "", -1);
    }

    /**
     * Wraps a stream and reports progress from the reading thread.
     *
     * @param in the stream to read; closed by {@link #close()}
     * @param groups sinks, one list per thread; empty lists are skipped
     * @param listener progress receiver
     * @param path the artifact path reported to the listener
     * @param total the expected size, or -1
     */
    public BackgroundHashing(InputStream in, List<List<Sink>> groups, dev.rkebackup.core.ProgressListener listener,
            String path, long total) {
        super(in);
        this.listener = listener;
        this.path = path;
        this.total = total;
        List<List<Sink>> used = groups.stream().filter(g -> !g.isEmpty()).toList();
        this.free = new ArrayBlockingQueue<>(BUFFERS);
        this.done = new CountDownLatch(used.size());
        for (List<Sink> group : used) {
            BlockingQueue<Chunk> q = new LinkedBlockingQueue<>();
            queues.add(q);
            Thread t = new Thread(() -> drain(q, group), "rke-backup-hash-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void drain(BlockingQueue<Chunk> q, List<Sink> sinks) {
        try {
            while (true) {
                Chunk c = q.take();
                if (c == END) {
                    return;
                }
                try {
                    if (failure.get() == null) {
                        for (Sink s : sinks) {
                            s.update(c.data, 0, c.length);
                        }
                    }
                } finally {
                    c.release(free);
                }
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            q.forEach(c -> c.release(free)); // keep the reader from waiting for buffers nobody frees
        } finally {
            done.countDown();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            if (!queues.isEmpty()) {
                feed(b, off, n);
            }
            if (count - lastReported >= (4L << 20) || count == total) {
                lastReported = count;
                Listeners.progressed(listener, path, count, total);
            }
        } else if (n < 0) {
            ended = true;
            flush();
        }
        return n;
    }

    private void feed(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null) {
                current = new Chunk(takeBuffer());
            }
            int n = Math.min(len, current.data.length - current.length);
            System.arraycopy(b, off, current.data, current.length, n);
            current.length += n;
            off += n;
            len -= n;
            if (current.length == current.data.length) {
                flush();
            }
        }
    }

    private byte[] takeBuffer() throws IOException {
        byte[] buf = free.poll();
        if (buf != null) {
            return buf;
        }
        if (allocated < BUFFERS) {
            allocated++;
            return new byte[CHUNK];
        }
        try {
            while (true) { // a failed sink stops freeing buffers: look at the failure now and then
                buf = free.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (buf != null) {
                    return buf;
                }
                Throwable f = failure.get();
                if (f != null) {
                    throw new IOException("hashing failed: " + f, f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the hashing threads");
        }
    }

    private void flush() throws IOException {
        Throwable f = failure.get();
        if (f != null) {
            throw new IOException("hashing failed: " + f, f);
        }
        if (current == null || current.length == 0) {
            return;
        }
        current.refs.set(queues.size());
        for (BlockingQueue<Chunk> q : queues) {
            q.add(current);
        }
        current = null;
    }

    /**
     * Bytes read so far.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * Tells whether the wrapped stream reached its end.
     *
     * @return true after a read returned -1
     */
    public boolean ended() {
        return ended;
    }

    /**
     * Hands over what is left and waits until every sink has seen every byte read so far.
     *
     * @throws IOException if a sink failed or the wait was interrupted
     */
    public void finish() throws IOException {
        endQueue();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the hashing threads");
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new IOException("hashing failed: " + f, f);
        }
    }

    private void endQueue() throws IOException {
        if (!finished) {
            finished = true;
            try {
                flush();
            } finally {
                queues.forEach(q -> q.add(END));
            }
        }
    }

    @Override
    public long skip(long n) {
        return 0; // skipping would break the hashes; callers read everything
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Stops the hashing threads (when the transfer failed) without closing the wrapped stream. */
    public void cancel() {
        if (!finished) {
            finished = true;
            failure.compareAndSet(null, new IOException("stream closed before its end"));
            queues.forEach(q -> q.add(END));
        }
    }

    /** Closes the wrapped stream; the hashes go on to the end if the stream was read to its end. */
    @Override
    public void close() throws IOException {
        if (ended) {
            endQueue();
        } else {
            cancel();
        }
        super.close();
    }

    private static final class Chunk {
        final byte[] data;
        int length;
        final AtomicInteger refs = new AtomicInteger();

        Chunk(byte[] data) {
            this.data = data;
        }

        void release(BlockingQueue<byte[]> free) {
            if (refs.decrementAndGet() == 0) {
                free.offer(data);
            }
        }
    }
}
