package dev.rkebackup.rke.snapshot.internal;

import dev.rkebackup.rke.snapshot.SnapshotVerdict;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Incremental check of an etcd (bbolt) snapshot fed chunk by chunk: meta pages, size against the high-water mark,
 * and the 32-byte SHA-256 trailer that snapshots taken through the etcd API end with. Memory use is bounded by two
 * pages of header (at most 128 KiB) and 32 bytes of tail. Not thread-safe; one instance per snapshot.
 */
public final class BboltCheck {
    /** bbolt magic, little-endian at byte 16 of each meta page. */
    static final int MAGIC = 0xED0CDAED;
    private static final int TRAILER = 32;
    private static final int META_OFFSET = 16;
    private static final int FIRST_PAGE = 4096;
    private static final int MAX_PAGE = 64 * 1024;

    private final MessageDigest digest;
    private final byte[] tail = new byte[TRAILER];
    private int tailLength;
    private byte[] header = new byte[FIRST_PAGE];
    private int headerLength;
    private boolean headerSized;
    private long total;

    /** Creates a check for one snapshot. */
    public BboltCheck() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * Feeds the next bytes of the snapshot.
     *
     * @param b buffer
     * @param off offset of the first byte
     * @param len number of bytes
     */
    public void update(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        total += len;
        captureHeader(b, off, len);
        // the digest runs TRAILER bytes behind the data, so the trailer itself is never hashed
        if (len >= TRAILER) {
            digest.update(tail, 0, tailLength);
            digest.update(b, off, len - TRAILER);
            System.arraycopy(b, off + len - TRAILER, tail, 0, TRAILER);
            tailLength = TRAILER;
        } else {
            int excess = tailLength + len - TRAILER;
            if (excess > 0) {
                digest.update(tail, 0, excess);
                System.arraycopy(tail, excess, tail, 0, tailLength - excess);
                tailLength -= excess;
            }
            System.arraycopy(b, off, tail, tailLength, len);
            tailLength += len;
        }
    }

    private void captureHeader(byte[] b, int off, int len) {
        int room = header.length - headerLength;
        if (room <= 0) {
            return;
        }
        int n = Math.min(room, len);
        System.arraycopy(b, off, header, headerLength, n);
        headerLength += n;
        if (!headerSized && headerLength >= META_OFFSET + 12) {
            headerSized = true;
            long pageSize = u32(header, META_OFFSET + 8);
            if (u32(header, META_OFFSET) == (MAGIC & 0xFFFFFFFFL) && pageSize >= 512 && pageSize <= MAX_PAGE) {
                byte[] bigger = new byte[(int) pageSize * 2];
                System.arraycopy(header, 0, bigger, 0, headerLength);
                header = bigger;
                int rest = len - n;
                if (rest > 0) {
                    captureHeader(b, off + n, rest);
                }
            }
        }
    }

    /**
     * Number of bytes fed so far.
     *
     * @return the byte count
     */
    public long size() {
        return total;
    }

    /**
     * Finishes the check after the last byte.
     *
     * @return verdict and explanation
     */
    public Outcome finish() {
        if (total == 0) {
            return new Outcome(SnapshotVerdict.TRUNCATED, "the file is empty");
        }
        if (headerLength < META_OFFSET + 64) {
            return new Outcome(SnapshotVerdict.TRUNCATED, "only " + total + " bytes, less than one bbolt meta page");
        }
        long magic = u32(header, META_OFFSET);
        if (magic != (MAGIC & 0xFFFFFFFFL)) {
            return new Outcome(SnapshotVerdict.BAD_HEADER, String.format(
                    "no bbolt magic at byte 16 (found 0x%08X, expected 0xED0CDAED): not an etcd snapshot", magic));
        }
        long version = u32(header, META_OFFSET + 4);
        if (version != 2) {
            return new Outcome(SnapshotVerdict.BAD_HEADER, "bbolt version " + version + " at byte 20, expected 2");
        }
        int pageSize = (int) u32(header, META_OFFSET + 8);
        if (pageSize < 512 || pageSize > MAX_PAGE) {
            return new Outcome(SnapshotVerdict.BAD_HEADER, "implausible bbolt page size " + pageSize);
        }
        if (total < 2L * pageSize) {
            return new Outcome(SnapshotVerdict.TRUNCATED, "only " + total + " bytes, less than the two meta pages");
        }
        long highWater = highWaterMark(pageSize);
        if (highWater < 0) {
            return new Outcome(SnapshotVerdict.BAD_HEADER, "both bbolt meta pages fail their checksum");
        }
        long expectedDb = highWater * pageSize;
        long rest = total % pageSize;
        boolean trailer = rest == TRAILER;
        long dbSize = trailer ? total - TRAILER : total;
        if (rest != 0 && !trailer) {
            return new Outcome(SnapshotVerdict.TRUNCATED, "size " + total + " is neither whole " + pageSize
                    + "-byte pages nor pages plus the 32-byte SHA-256 trailer");
        }
        if (dbSize < expectedDb) {
            return new Outcome(SnapshotVerdict.TRUNCATED, "database part has " + dbSize + " bytes but its meta page"
                    + " says " + highWater + " pages (" + expectedDb + " bytes)");
        }
        if (!trailer) {
            return new Outcome(SnapshotVerdict.NO_TRAILER, "complete bbolt file of " + total + " bytes without the"
                    + " SHA-256 trailer of a snapshot taken through the etcd API");
        }
        byte[] actual = digest.digest();
        if (!MessageDigest.isEqual(actual, tail)) {
            return new Outcome(SnapshotVerdict.TRAILER_MISMATCH, "SHA-256 of the first " + dbSize
                    + " bytes does not match the 32-byte trailer");
        }
        return new Outcome(SnapshotVerdict.OK, "bbolt v2, " + highWater + " pages of " + pageSize
                + " bytes, SHA-256 trailer matches");
    }

    /** Highest page count among the meta pages whose FNV-1a checksum is valid (the newest txid wins), or -1. */
    private long highWaterMark(int pageSize) {
        long bestTx = -1;
        long pgid = -1;
        for (int page = 0; page < 2; page++) {
            int meta = page * pageSize + META_OFFSET;
            if (meta + 64 > headerLength || !checksumValid(meta)) {
                continue;
            }
            long txid = u64(header, meta + 48);
            if (txid > bestTx) {
                bestTx = txid;
                pgid = u64(header, meta + 40);
            }
        }
        return pgid;
    }

    private boolean checksumValid(int meta) {
        // bbolt meta.sum64(): FNV-1a 64 over the 56 bytes before the checksum field
        long hash = 0xcbf29ce484222325L;
        for (int i = meta; i < meta + 56; i++) {
            hash ^= header[i] & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash == u64(header, meta + 56);
    }

    private static long u32(byte[] b, int i) {
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }

    private static long u64(byte[] b, int i) {
        return u32(b, i) | u32(b, i + 4) << 32;
    }

    /**
     * Verdict with explanation.
     *
     * @param verdict the verdict
     * @param detail the explanation
     */
    public record Outcome(SnapshotVerdict verdict, String detail) {
    }
}
