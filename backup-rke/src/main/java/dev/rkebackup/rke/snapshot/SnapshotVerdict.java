package dev.rkebackup.rke.snapshot;

/**
 * Outcome of an etcd snapshot integrity check. Only {@link #OK} means the snapshot may be stored as good.
 */
public enum SnapshotVerdict {
    /** bbolt header valid, size consistent, SHA-256 trailer matches everything before it. */
    OK,
    /** The data ends early: fewer bytes than the database's own high-water mark, or not a whole number of pages. */
    TRUNCATED,
    /** The first page is not a bbolt meta page (magic {@code 0xED0CDAED}, version 2) or both meta pages are bad. */
    BAD_HEADER,
    /** The 32-byte SHA-256 trailer does not match the bytes before it: the data was altered. */
    TRAILER_MISMATCH,
    /**
     * Complete bbolt file without the SHA-256 trailer (a copy of {@code member/snap/db}, not a snapshot taken through
     * the API); it cannot be verified and {@code etcdctl snapshot restore} refuses it without
     * {@code --skip-hash-check}.
     */
    NO_TRAILER,
    /** An RKE zip without the {@code /backup/<name>} entry holding the snapshot. */
    ZIP_LACKS_BACKUP_ENTRY,
    /** The RKE zip itself is damaged (not a zip, bad compressed data, CRC mismatch). */
    ZIP_DAMAGED
}
