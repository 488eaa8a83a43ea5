package dev.rkebackup.rke.snapshot;

import dev.rkebackup.core.io.ForwardingInputStream;
import dev.rkebackup.rke.snapshot.internal.BboltCheck;
import dev.rkebackup.rke.snapshot.internal.ZipSnapshotCheck;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * A pass-through filter that checks an etcd snapshot while it is being copied: the bytes come out unchanged (a zip
 * stays byte-for-byte the zip RKE wrote), and once the last byte has been read {@link #result()} tells whether the
 * snapshot is intact. The data is read once and memory stays bounded (a few hundred KiB), whatever the size.
 *
 * <p>For {@link SnapshotLayout#PLAIN} the bbolt meta pages, the size and the 32-byte SHA-256 trailer are checked.
 * For {@link SnapshotLayout#RKE_ZIP} the zip is parsed on a helper daemon thread fed through a bounded pipe, the
 * {@code /backup/<name>} entry gets the same check, and the presence of {@code /etc/kubernetes/<name>.rkestate} is
 * reported.
 *
 * <p>Not thread-safe, like any stream. The caller closes it; closing also closes the wrapped stream, and closing
 * before the end abandons the check ({@link #result()} then stays empty).
 *
 * <pre>{@code
 * try (InputStream node = access.openRead("/opt/rke/etcd-snapshots/snap1.zip");
 *      SnapshotVerifyingInputStream in = SnapshotVerifyingInputStream.rkeZip(node, "snap1")) {
 *     store.put(key, in, size);              // copies and checks in one pass
 *     SnapshotCheck check = in.result().orElseThrow();
 *     if (!check.ok()) { ... try the next node ... }
 * }
 * }</pre>
 */
public final class SnapshotVerifyingInputStream extends ForwardingInputStream {
    private final SnapshotLayout layout;
    private final BboltCheck plain;
    private final ZipSnapshotCheck zip;
    private SnapshotCheck result;
    private boolean closed;

    private SnapshotVerifyingInputStream(InputStream in, SnapshotLayout layout, String snapshotName) {
        super(in);
        this.layout = layout;
        this.plain = layout == SnapshotLayout.PLAIN ? new BboltCheck() : null;
        this.zip = layout == SnapshotLayout.RKE_ZIP ? new ZipSnapshotCheck(snapshotName) : null;
    }

    /**
     * Wraps a plain etcd snapshot file (RKE before v0.2.5, or any file written by {@code etcdctl snapshot save}).
     *
     * @param in the snapshot bytes; closed when this stream is closed
     * @return the checking stream
     */
    public static SnapshotVerifyingInputStream plain(InputStream in) {
        return new SnapshotVerifyingInputStream(Objects.requireNonNull(in, "in"), SnapshotLayout.PLAIN, "");
    }

    /**
     * Wraps an RKE snapshot zip ({@code <name>.zip}, RKE v0.2.5+).
     *
     * @param in the zip bytes; closed when this stream is closed
     * @param snapshotName the bare snapshot name, without directory and without {@code .zip}
     * @return the checking stream
     * @throws IllegalArgumentException if the name is blank, has a slash or ends with {@code .zip}
     */
    public static SnapshotVerifyingInputStream rkeZip(InputStream in, String snapshotName) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(snapshotName, "snapshotName");
        if (snapshotName.isBlank() || snapshotName.contains("/") || snapshotName.endsWith(".zip")) {
            throw new IllegalArgumentException("snapshot name must be the bare name without directory or .zip: '"
                    + snapshotName + "'");
        }
        return new SnapshotVerifyingInputStream(in, SnapshotLayout.RKE_ZIP, snapshotName);
    }

    /**
     * Wraps a stream in the checker for its layout.
     *
     * @param in the file's bytes; closed when this stream is closed
     * @param layout plain or RKE zip
     * @param snapshotName the bare snapshot name (ignored for {@link SnapshotLayout#PLAIN})
     * @return the checking stream
     */
    public static SnapshotVerifyingInputStream of(InputStream in, SnapshotLayout layout, String snapshotName) {
        return layout == SnapshotLayout.PLAIN ? plain(in) : rkeZip(in, snapshotName);
    }

    /**
     * Reads a whole stream through the checker and returns the verdict (for checking a file already stored).
     *
     * @param in the file's bytes; the caller closes it
     * @param layout plain or RKE zip
     * @param snapshotName the bare snapshot name (ignored for {@link SnapshotLayout#PLAIN})
     * @return the check result
     * @throws IOException if reading fails
     */
    public static SnapshotCheck check(InputStream in, SnapshotLayout layout, String snapshotName) throws IOException {
        SnapshotVerifyingInputStream s = of(new NonClosing(in), layout, snapshotName);
        try (s) {
            s.transferTo(OutputStream.nullOutputStream());
        }
        return s.result().orElseThrow(() -> new IllegalStateException("check did not complete"));
    }

    /**
     * Returns the verdict once the wrapped stream has reached its end.
     *
     * @return the result, or empty while bytes remain or when the stream was closed early
     */
    public Optional<SnapshotCheck> result() {
        return Optional.ofNullable(result);
    }

    /**
     * Number of bytes passed through so far.
     *
     * @return the count
     */
    public long bytesRead() {
        return count();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("snapshot stream is closed");
        }
        return super.read(b, off, len);
    }

    @Override
    protected void afterRead(byte[] b, int off, int n) throws IOException {
        if (plain != null) {
            plain.update(b, off, n);
        } else {
            zip.update(b, off, n);
        }
    }

    @Override
    protected void atEnd() throws IOException {
        if (plain != null) {
            BboltCheck.Outcome o = plain.finish();
            result = new SnapshotCheck(o.verdict(), o.detail(), layout, count(), count(), false);
        } else {
            ZipSnapshotCheck.Result r = zip.finish();
            result = new SnapshotCheck(r.verdict(), r.detail(), layout, count(), r.snapshotBytes(),
                    r.stateEntryPresent());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (zip != null && result == null) {
            zip.cancel();
        }
        super.close();
    }

    /** Keeps {@link #check} from closing a stream its caller owns. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller closes the wrapped stream
        }
    }
}
