package dev.rkebackup.s3.internal;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.io.ForwardingInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code length} bytes of the caller's stream to the SDK and remembers why the stream failed (ended
 * early or threw), so a streamed PUT reports the caller's problem instead of the SDK's wrapping of it. Does not close
 * the caller's stream.
 */
final class ExactLengthInputStream extends ForwardingInputStream {
    private final long length;
    private final String key;
    private StorageException failure;

    ExactLengthInputStream(InputStream in, long length, String key) {
        super(in);
        this.length = length;
        this.key = key;
    }

    StorageException failure() {
        return failure;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (count() >= length) {
            return -1;
        }
        int n;
        try {
            n = super.read(b, off, (int) Math.min(len, length - count()));
        } catch (IOException e) {
            failure = StorageException.permanent("reading the content for '" + key + "' failed after " + count()
                    + " bytes: " + e + "; nothing was stored", e);
            throw e;
        }
        if (n < 0) {
            failure = StorageException.permanent("stream for '" + key + "' ended after " + count() + " of " + length
                    + " bytes; nothing was stored", null);
            throw new IOException("stream ended early");
        }
        return n;
    }

    @Override
    public void close() {
        // the caller owns and closes its stream
    }
}
