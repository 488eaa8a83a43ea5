package dev.rkebackup.core.repository;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.internal.HashingInputStream;
import dev.rkebackup.core.internal.Listeners;
import dev.rkebackup.core.internal.ParallelRangeInputStream;
import dev.rkebackup.core.io.ForwardingInputStream;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an artifact and, at its end, checks size and SHA-256 against the manifest entry. A mismatch is thrown as an
 * {@link IOException} subtype whose cause is an {@link IntegrityException}, so consumers that copy with
 * {@code transferTo} see it as a failed read.
 */
final class VerifyingInputStream extends ForwardingInputStream {
    /** Ranges in flight for a parallel download (measured: 4 saturate loopback and a 2-core machine). */
    private static final int STREAMS = 4;
    private final ArtifactEntry entry;
    private final String key;
    private final HashingInputStream hashing;
    private ProgressListener listener = ProgressListener.NONE;
    private boolean checked;
    private boolean reported;

    private VerifyingInputStream(HashingInputStream in, ArtifactEntry entry, String key) {
        super(in);
        this.hashing = in;
        this.entry = entry;
        this.key = key;
    }

    static InputStream open(BackupRepository repo, String setId, ArtifactEntry entry,
            dev.rkebackup.core.crypto.SetCipher cipher) {
        String key = repo.key(setId, entry.path());
        InputStream raw = cipher.decrypt(open(repo.store(), key, cipher.storedSize(entry.size())), entry.path());
        Listeners.started(repo.listener(), entry.path(), entry.size());
        VerifyingInputStream in = new VerifyingInputStream(
                new HashingInputStream(raw, repo.listener(), entry.path(), entry.size()), entry, key);
        in.listener = repo.listener();
        return in;
    }

    /**
     * Opens an object as parallel ranges when the store prefers it and the object is large; otherwise (and when the
     * object's size differs from the manifest, which only a plain read reports precisely) as one stream.
     */
    private static InputStream open(ObjectStore store, String key, long size) {
        int chunk = ParallelRangeInputStream.defaultChunk();
        if (!store.prefersParallelRangedReads() || size <= 2L * chunk) {
            return store.open(key);
        }
        long actual = store.stat(key).map(ObjectInfo::size).orElseThrow(
                () -> dev.rkebackup.core.StorageException.notFound(key, store.describe()));
        if (actual != size) {
            return store.open(key);
        }
        return new ParallelRangeInputStream(store, key, size, chunk, STREAMS);
    }

    @Override
    protected void afterRead(byte[] b, int off, int n) throws IOException {
        if (hashing.count() > entry.size()) {
            throw sizeMismatch();
        }
    }

    @Override
    protected void atEnd() throws IOException {
        checkEnd();
    }

    private void checkEnd() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        if (hashing.count() != entry.size()) {
            throw sizeMismatch();
        }
        String actual = hashing.sha256Hex();
        report(actual.equals(entry.sha256()));
        if (!actual.equals(entry.sha256())) {
            throw new ChecksumMismatch("object " + key + " has SHA-256 " + actual + " but the manifest says "
                    + entry.sha256() + "; the stored copy is damaged: do not restore from it");
        }
    }

    private void report(boolean ok) {
        if (!reported) {
            reported = true;
            Listeners.finished(listener, entry.path(), hashing.count(), ok);
        }
    }

    @Override
    public void close() throws IOException {
        report(false); // no-op when the end was reached and reported
        super.close();
    }

    private SizeMismatch sizeMismatch() {
        report(false);
        return new SizeMismatch("object " + key + " has " + (hashing.count() > entry.size() ? "more than " : "")
                + hashing.count() + " bytes but the manifest says " + entry.size()
                + "; the stored copy is damaged: do not restore from it");
    }

    /** The artifact has a different size than its manifest entry. */
    static final class SizeMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        SizeMismatch(String message) {
            super(message, new IntegrityException(message));
        }
    }

    /** The artifact has the right size but a different SHA-256. */
    static final class ChecksumMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        ChecksumMismatch(String message) {
            super(message, new IntegrityException(message));
        }
    }
}
