package dev.rkebackup.rke.snapshot.internal;

import dev.rkebackup.rke.snapshot.SnapshotVerdict;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Checks the etcd snapshot inside an RKE zip while the zip's bytes flow past: the caller hands every byte to
 * {@link #update}, a daemon thread reads them through a {@link BoundedPipe} with a {@link ZipInputStream}, feeds the
 * {@code /backup/<name>} entry to a {@link BboltCheck} and notes the {@code /etc/kubernetes/<name>.rkestate} entry.
 * Memory is bounded by the pipe (256 KiB) plus the inflater. Not thread-safe on the caller side.
 */
public final class ZipSnapshotCheck {
    private static final int PIPE = 256 * 1024;
    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
    /** Room for the end-of-central-directory record (22 bytes) plus a short archive comment. */
    private static final int TAIL = 4096;
    private static final int EOCD = 22;

    private final String snapshotName;
    private final BoundedPipe pipe = new BoundedPipe(PIPE);
    private final CountDownLatch done = new CountDownLatch(1);
    private final BboltCheck bbolt = new BboltCheck();
    private final byte[] magic = new byte[4];
    private int magicLength;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private long total;
    private volatile boolean backupFound;
    private volatile boolean stateFound;
    private volatile SnapshotVerdict zipProblem;
    private volatile String zipDetail;

    /**
     * Starts the reader thread.
     *
     * @param snapshotName bare snapshot name (the zip is {@code <name>.zip})
     */
    public ZipSnapshotCheck(String snapshotName) {
        this.snapshotName = snapshotName;
        Thread t = new Thread(this::run, "rke-snapshot-zip-check");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Feeds the next bytes of the zip; blocks while the reader thread is behind by more than the pipe size.
     *
     * @param b buffer
     * @param off offset
     * @param len length
     * @throws InterruptedIOException if interrupted while waiting for the reader thread
     */
    public void update(byte[] b, int off, int len) throws InterruptedIOException {
        if (len <= 0) {
            return;
        }
        for (int i = 0; i < len && magicLength < 4; i++) {
            magic[magicLength++] = b[off + i];
        }
        total += len;
        keepTail(b, off, len);
        pipe.write(b, off, len);
    }

    private void keepTail(byte[] b, int off, int len) {
        if (len >= TAIL) {
            System.arraycopy(b, off + len - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
            return;
        }
        int keep = Math.min(tailLength, TAIL - len);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        System.arraycopy(b, off, tail, keep, len);
        tailLength = keep + len;
    }

    /** True when the kept tail ends with an end-of-central-directory record whose comment length fits exactly. */
    private boolean endRecordPresent() {
        for (int i = tailLength - EOCD; i >= 0; i--) {
            if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
                int comment = (tail[i + 20] & 0xFF) | (tail[i + 21] & 0xFF) << 8;
                if (i + EOCD + comment == tailLength) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Stops the reader thread without a result (the caller gave up before the end). */
    public void cancel() {
        pipe.cancel();
    }

    /**
     * Signals the end of the zip and waits for the reader thread.
     *
     * @return verdict, inner snapshot size and whether the state entry was found
     * @throws InterruptedIOException if interrupted while waiting
     */
    public Result finish() throws InterruptedIOException {
        pipe.closeWrite();
        try {
            if (!done.await(5, TimeUnit.MINUTES)) {
                pipe.cancel();
                throw new InterruptedIOException("zip snapshot check did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pipe.cancel();
            throw new InterruptedIOException("interrupted while finishing the zip snapshot check");
        }
        if (total == 0) {
            return new Result(SnapshotVerdict.TRUNCATED, "the file is empty", 0, false);
        }
        if (magicLength < 4 || !Arrays.equals(magic, LOCAL_HEADER)) {
            return new Result(SnapshotVerdict.ZIP_DAMAGED, "does not start with a zip local file header", 0, false);
        }
        if (zipProblem != null) {
            return new Result(zipProblem, zipDetail, bbolt.size(), stateFound);
        }
        if (!endRecordPresent()) {
            return new Result(SnapshotVerdict.TRUNCATED, "the zip has no end-of-central-directory record: it was cut"
                    + " after " + total + " bytes", bbolt.size(), stateFound);
        }
        if (!backupFound) {
            return new Result(SnapshotVerdict.ZIP_LACKS_BACKUP_ENTRY, "no entry /backup/" + snapshotName
                    + " in the zip", 0, stateFound);
        }
        BboltCheck.Outcome o = bbolt.finish();
        return new Result(o.verdict(), "entry /backup/" + snapshotName + ": " + o.detail(), bbolt.size(),
                stateFound);
    }

    private void run() {
        InputStream raw = pipe.reader();
        try {
            ZipInputStream zip = new ZipInputStream(raw);
            byte[] buf = new byte[64 * 1024];
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName().startsWith("/") ? e.getName().substring(1) : e.getName();
                boolean isBackup = !backupFound && name.equals("backup/" + snapshotName);
                if (name.equals("etc/kubernetes/" + snapshotName + ".rkestate")) {
                    stateFound = true;
                }
                int n;
                while ((n = zip.read(buf)) > 0) {
                    if (isBackup) {
                        bbolt.update(buf, 0, n);
                    }
                }
                if (isBackup) {
                    backupFound = true;
                }
            }
        } catch (EOFException ex) {
            fail(SnapshotVerdict.TRUNCATED, "the zip ends early: " + ex.getMessage());
        } catch (ZipException ex) {
            fail(SnapshotVerdict.ZIP_DAMAGED, "zip data is damaged: " + ex.getMessage());
        } catch (IOException | RuntimeException ex) {
            fail(SnapshotVerdict.ZIP_DAMAGED, "zip cannot be read: " + ex);
        } finally {
            drain(raw);
            done.countDown();
        }
    }

    private void fail(SnapshotVerdict verdict, String detail) {
        if (zipProblem == null) {
            zipDetail = detail;
            zipProblem = verdict;
        }
    }

    private static void drain(InputStream raw) {
        // the central directory and anything after a failure still has to leave the pipe, or the writer blocks
        byte[] sink = new byte[64 * 1024];
        try {
            while (raw.read(sink) >= 0) {
                // discard
            }
        } catch (IOException cancelled) {
            // cancel(): the caller stopped reading
        }
    }

    /**
     * What the zip check found.
     *
     * @param verdict the verdict
     * @param detail the explanation
     * @param snapshotBytes bytes of the inner snapshot entry
     * @param stateEntryPresent whether the state entry was found
     */
    public record Result(SnapshotVerdict verdict, String detail, long snapshotBytes, boolean stateEntryPresent) {
    }
}
