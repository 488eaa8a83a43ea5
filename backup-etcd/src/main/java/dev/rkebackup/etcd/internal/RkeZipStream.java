package dev.rkebackup.etcd.internal;

import dev.rkebackup.core.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Turns a snapshot stream of known length into RKE's snapshot zip ({@code <name>.zip}, RKE v0.2.5+) on the fly, in
 * one pass and with the zip's exact length known before the first byte, so it can go straight into any store:
 * <ul>
 *   <li>entry {@code /etc/kubernetes/<name>.rkestate} (optional, first; stored, CRC known);</li>
 *   <li>entry {@code /backup/<name>}: method Deflate using only <em>stored</em> (uncompressed) Deflate blocks of at
 *       most 65,535 bytes (RFC 1951 §3.2.4, 5 bytes of framing each), followed by a data descriptor with the CRC
 *       computed on the way (APPNOTE 4.3.9);</li>
 *   <li>the central directory and end record.</li>
 * </ul>
 * The entry names are absolute container paths as rke-tools writes them; the mtimes are 1980-01-01 (the zip epoch;
 * rke-tools sets the Unix epoch, which a DOS date cannot hold). The zip is not compressed: compressing would make the
 * length unknowable up front and cost a CPU core at backup time; use the store's own compression when size matters.
 * Readable by Go's {@code archive/zip} (rke-tools), {@code unzip} and {@link java.util.zip.ZipInputStream}.
 * Limit: the snapshot must be smaller than 4 GiB (no ZIP64).
 */
public final class RkeZipStream extends InputStream {
    private static final int BLOCK = 65_535;
    private static final int DOS_DATE = (1 << 5) | 1; // 1980-01-01
    private static final long MAX = 0xFFFF_FFFFL - 1024 * 1024;

    private final InputStream snapshot;
    private final long snapshotLength;
    private final byte[] dbName;
    private final byte[] stateName;
    private final byte[] state;
    private final long stateCrc;
    private final long deflatedLength;
    private final long length;
    private final CRC32 crc = new CRC32();
    private byte[] pending;
    private int pendingPos;
    private long snapshotRead;
    private long blockLeft;
    private boolean trailerSent;

    /**
     * Builds the stream.
     *
     * @param snapshot the etcd snapshot bytes; closed when this stream is closed
     * @param snapshotLength their exact number
     * @param snapshotName the bare snapshot name
     * @param stateFile the {@code .rkestate} bytes to embed, or null for none
     * @throws InvalidInputException if the snapshot is 4 GiB or larger
     */
    public RkeZipStream(InputStream snapshot, long snapshotLength, String snapshotName, byte[] stateFile) {
        if (snapshotLength <= 0) {
            throw new IllegalArgumentException("an etcd snapshot is never empty");
        }
        if (snapshotLength >= MAX) {
            throw new InvalidInputException("the etcd snapshot has " + snapshotLength + " bytes; RKE's zip layout"
                    + " is written only below 4 GiB (no ZIP64 yet). Compact and defragment etcd first");
        }
        this.snapshot = snapshot;
        this.snapshotLength = snapshotLength;
        this.dbName = ("/backup/" + snapshotName).getBytes(StandardCharsets.UTF_8);
        this.stateName = stateFile == null ? null
                : ("/etc/kubernetes/" + snapshotName + ".rkestate").getBytes(StandardCharsets.UTF_8);
        this.state = stateFile;
        CRC32 c = new CRC32();
        if (stateFile != null) {
            c.update(stateFile);
        }
        this.stateCrc = c.getValue();
        long blocks = (snapshotLength + BLOCK - 1) / BLOCK;
        this.deflatedLength = snapshotLength + 5 * blocks;
        long stateLocal = state == null ? 0 : 30 + stateName.length + state.length;
        long dbLocal = 30 + dbName.length + deflatedLength + 16;
        long central = (state == null ? 0 : 46 + stateName.length) + 46 + dbName.length;
        this.length = stateLocal + dbLocal + central + 22;
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        if (state != null) {
            localHeader(head, stateName, 0, 0, stateCrc, state.length, state.length);
            head.writeBytes(state);
        }
        localHeader(head, dbName, 0x0008, 8, 0, 0, 0);
        this.pending = head.toByteArray();
    }

    /**
     * The exact length of the zip.
     *
     * @return bytes
     */
    public long length() {
        return length;
    }

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
        while (true) {
            if (pending != null && pendingPos < pending.length) {
                int n = Math.min(len, pending.length - pendingPos);
                System.arraycopy(pending, pendingPos, b, off, n);
                pendingPos += n;
                return n;
            }
            if (blockLeft > 0) {
                int n = snapshot.read(b, off, (int) Math.min(len, blockLeft));
                if (n < 0) {
                    throw new IOException("the snapshot ended after " + snapshotRead + " of " + snapshotLength
                            + " bytes");
                }
                crc.update(b, off, n);
                blockLeft -= n;
                snapshotRead += n;
                return n;
            }
            if (snapshotRead < snapshotLength) {
                long size = Math.min(BLOCK, snapshotLength - snapshotRead);
                boolean last = snapshotRead + size == snapshotLength;
                pending = new byte[] {(byte) (last ? 1 : 0), (byte) size, (byte) (size >> 8), (byte) ~size,
                    (byte) (~size >> 8)};
                pendingPos = 0;
                blockLeft = size;
                continue;
            }
            if (!trailerSent) {
                trailerSent = true;
                pending = trailer();
                pendingPos = 0;
                continue;
            }
            if (snapshot.read() >= 0) {
                throw new IOException("the snapshot has more than the " + snapshotLength + " bytes announced");
            }
            return -1;
        }
    }

    private byte[] trailer() {
        long dbCrc = crc.getValue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int32(out, 0x08074b50);
        int32(out, dbCrc);
        int32(out, deflatedLength);
        int32(out, snapshotLength);
        long cdStart = length - 22 - ((state == null ? 0 : 46 + stateName.length) + 46 + dbName.length);
        long offset = 0;
        ByteArrayOutputStream cd = new ByteArrayOutputStream();
        if (state != null) {
            central(cd, stateName, 0, 0, stateCrc, state.length, state.length, offset);
            offset += 30 + stateName.length + state.length;
        }
        central(cd, dbName, 0x0008, 8, dbCrc, deflatedLength, snapshotLength, offset);
        out.writeBytes(cd.toByteArray());
        int entries = state == null ? 1 : 2;
        int32(out, 0x06054b50);
        int16(out, 0);
        int16(out, 0);
        int16(out, entries);
        int16(out, entries);
        int32(out, cd.size());
        int32(out, cdStart);
        int16(out, 0);
        return out.toByteArray();
    }

    private static void localHeader(ByteArrayOutputStream o, byte[] name, int flags, int method, long crc,
            long csize, long usize) {
        int32(o, 0x04034b50);
        int16(o, 20);
        int16(o, flags);
        int16(o, method);
        int16(o, 0);
        int16(o, DOS_DATE);
        int32(o, crc);
        int32(o, csize);
        int32(o, usize);
        int16(o, name.length);
        int16(o, 0);
        o.writeBytes(name);
    }

    private static void central(ByteArrayOutputStream o, byte[] name, int flags, int method, long crc, long csize,
            long usize, long offset) {
        int32(o, 0x02014b50);
        int16(o, 0x0314); // made by: Unix, spec 2.0
        int16(o, 20);
        int16(o, flags);
        int16(o, method);
        int16(o, 0);
        int16(o, DOS_DATE);
        int32(o, crc);
        int32(o, csize);
        int32(o, usize);
        int16(o, name.length);
        int16(o, 0);
        int16(o, 0);
        int16(o, 0);
        int16(o, 0);
        int32(o, 0100600L << 16); // regular file, 0600
        int32(o, offset);
        o.writeBytes(name);
    }

    private static void int16(ByteArrayOutputStream o, int v) {
        o.write(v & 0xFF);
        o.write((v >> 8) & 0xFF);
    }

    private static void int32(ByteArrayOutputStream o, long v) {
        o.write((int) (v & 0xFF));
        o.write((int) ((v >> 8) & 0xFF));
        o.write((int) ((v >> 16) & 0xFF));
        o.write((int) ((v >> 24) & 0xFF));
    }

    @Override
    public void close() throws IOException {
        snapshot.close();
    }
}
