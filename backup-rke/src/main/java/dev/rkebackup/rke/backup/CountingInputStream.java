package dev.rkebackup.rke.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes a node delivers and whether its stream reached the end, so a store failure caused by a file that
 * changed on the node while it was read is told apart from a failure of the store. Not thread-safe.
 */
final class CountingInputStream extends FilterInputStream {
    private long count;
    private boolean ended;

    CountingInputStream(InputStream in) {
        super(in);
    }

    long count() {
        return count;
    }

    boolean ended() {
        return ended;
    }

    /** Whether the stream delivered a different number of bytes than the node listed for the file. */
    boolean changedFrom(long listedSize) {
        return ended && count < listedSize || count > listedSize;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
        } else if (n < 0) {
            ended = true;
        }
        return n;
    }
}
