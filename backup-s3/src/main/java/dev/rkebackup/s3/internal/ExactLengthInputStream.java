package dev.rkebackup.s3.internal;

import dev.rkebackup.core.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code length} bytes of the caller's stream to the SDK and remembers why the stream failed (ended
 * early or threw), so a streamed PUT reports the caller's problem instead of the SDK's wrapping of it. Does not close
 * the caller's stream.
 */
final class ExactLengthInputStream extends FilterInputStream {
    private final long length;
    private final String key;
    private long read;
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
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (read >= length) {
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, (int) Math.min(len, length - read));
        } catch (IOException e) {
            failure = new StorageException("reading the content for '" + key + "' failed after " + read + " bytes: "
                    + e + "; nothing was stored", e, false);
            throw e;
        }
        if (n < 0) {
            failure = new StorageException("stream for '" + key + "' ended after " + read + " of " + length
                    + " bytes; nothing was stored", null, false);
            throw new IOException("stream ended early");
        }
        read += n;
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // the caller owns and closes its stream
    }
}
