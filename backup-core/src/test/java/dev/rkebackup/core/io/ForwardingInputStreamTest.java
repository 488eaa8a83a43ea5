package dev.rkebackup.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ForwardingInputStreamTest {
    /** Records what the hooks saw. */
    private static final class Recording extends ForwardingInputStream {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int ends;

        Recording(InputStream in) {
            super(in);
        }

        @Override
        protected void afterRead(byte[] b, int off, int n) {
            seen.write(b, off, n);
        }

        @Override
        protected void atEnd() {
            ends++;
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 200); // values above 127 catch sign mistakes in read()
        }
        return b;
    }

    @Test
    void singleByteReadsBulkReadsAndSkipsAllPassTheHookOnceAndTheEndIsSeenOnce() throws IOException {
        byte[] data = bytes(20_000);
        Recording r = new Recording(new ByteArrayInputStream(data));
        assertThat(r.read()).isEqualTo(data[0] & 0xFF);
        assertThat(r.read(new byte[100], 0, 100)).isEqualTo(100);
        assertThat(r.skip(10_000)).isEqualTo(10_000);
        r.transferTo(OutputStream.nullOutputStream());
        assertThat(r.read()).isEqualTo(-1);
        assertThat(r.read(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(r.count()).isEqualTo(data.length);
        assertThat(r.ended()).isTrue();
        assertThat(r.ends).isEqualTo(1);
        assertThat(r.seen.toByteArray()).isEqualTo(data);
    }

    @Test
    void countingCountsAndMarksAreRefused() {
        ForwardingInputStream c = ForwardingInputStream.counting(new ByteArrayInputStream(bytes(5)));
        assertThat(c.markSupported()).isFalse();
        assertThatThrownBy(c::reset).isInstanceOf(IOException.class);
        assertThat(c.count()).isZero();
        assertThat(c.ended()).isFalse();
    }

    @Test
    void aHookThatThrowsFailsTheRead() {
        ForwardingInputStream s = new ForwardingInputStream(new ByteArrayInputStream(bytes(3))) {
            @Override
            protected void atEnd() throws IOException {
                throw new IOException("checksum mismatch");
            }
        };
        assertThatThrownBy(() -> s.transferTo(OutputStream.nullOutputStream())).hasMessage("checksum mismatch");
    }
}
