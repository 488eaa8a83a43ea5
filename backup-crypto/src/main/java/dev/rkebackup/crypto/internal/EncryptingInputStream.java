package dev.rkebackup.crypto.internal;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Pull-side Tink streaming encryption: reads plaintext and yields exactly the bytes Tink's own
 * {@code newEncryptingStream} would write (header, then segments; the last segment is marked last), so any Tink
 * {@code StreamingAead} with the same key decrypts it. Needed because object stores read their upload from an
 * {@link InputStream}; memory use is two segments.
 */
final class EncryptingInputStream extends InputStream {
    private final InputStream in;
    private final StreamSegmentEncrypter encrypter;
    private final long expected;
    private final ByteBuffer plain;
    private final ByteBuffer cipher;
    private final int firstLimit;
    private final int fullLimit;
    private ByteBuffer out;
    private long count;
    private int lookahead = -1;
    private boolean done;

    EncryptingInputStream(InputStream in, AesGcmHkdfStreaming aead, byte[] aad, long expected)
            throws GeneralSecurityException {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.encrypter = aead.newStreamSegmentEncrypter(aad);
        this.expected = expected;
        this.fullLimit = aead.getPlaintextSegmentSize();
        this.firstLimit = fullLimit - aead.getCiphertextOffset();
        this.plain = ByteBuffer.allocate(fullLimit);
        this.cipher = ByteBuffer.allocate(aead.getCiphertextSegmentSize());
        ByteBuffer header = encrypter.getHeader();
        this.out = header.duplicate();
        this.plain.limit(firstLimit);
        this.plain.position(0);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!out.hasRemaining()) {
            if (done) {
                return -1;
            }
            nextSegment();
        }
        int n = Math.min(len, out.remaining());
        out.get(b, off, n);
        return n;
    }

    private void nextSegment() throws IOException {
        // plain's limit was set for this segment (first segment shorter: the header shares its ciphertext segment)
        if (lookahead >= 0) {
            plain.put((byte) lookahead);
            lookahead = -1;
        }
        boolean eof = false;
        while (plain.hasRemaining()) {
            int n = in.read(plain.array(), plain.position(), plain.remaining());
            if (n < 0) {
                eof = true;
                break;
            }
            plain.position(plain.position() + n);
            count += n;
        }
        boolean last = eof;
        if (!eof) {
            int next = in.read();
            if (next < 0) {
                last = true;
            } else {
                lookahead = next;
                count++;
            }
        }
        if (count > expected) {
            throw new IOException("the content has more than the " + expected + " bytes declared");
        }
        if (last && count != expected) {
            throw new IOException("the content ended after " + count + " bytes; " + expected + " were declared");
        }
        plain.flip();
        cipher.clear();
        try {
            encrypter.encryptSegment(plain, last, cipher);
        } catch (GeneralSecurityException e) {
            throw new IOException("encryption failed: " + e.getMessage(), e);
        }
        cipher.flip();
        out = cipher;
        plain.clear();
        plain.limit(fullLimit);
        done = last;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
