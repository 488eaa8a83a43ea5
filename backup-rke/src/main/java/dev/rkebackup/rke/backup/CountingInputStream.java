package dev.rkebackup.rke.backup;

import dev.rkebackup.core.io.ForwardingInputStream;
import java.io.InputStream;

/**
 * Counts the bytes a node delivers and whether its stream reached the end, so a store failure caused by a file that
 * changed on the node while it was read is told apart from a failure of the store. Not thread-safe.
 */
final class CountingInputStream extends ForwardingInputStream {
    CountingInputStream(InputStream in) {
        super(in);
    }

    /** Whether the stream delivered a different number of bytes than the node listed for the file. */
    boolean changedFrom(long listedSize) {
        return ended() && count() < listedSize || count() > listedSize;
    }
}
