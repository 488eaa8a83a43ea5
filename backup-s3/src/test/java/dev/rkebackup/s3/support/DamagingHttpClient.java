package dev.rkebackup.s3.support;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Flips one bit in the body of the first {@code damageCount} PUT requests after they were signed, like a faulty
 * network card or proxy would. Everything else passes through to the real HTTP client.
 */
public final class DamagingHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;
    private final AtomicInteger left;
    private final AtomicInteger damaged = new AtomicInteger();

    public DamagingHttpClient(SdkHttpClient delegate, int damageCount) {
        this.delegate = delegate;
        this.left = new AtomicInteger(damageCount);
    }

    /** @return how many request bodies were damaged */
    public int damaged() {
        return damaged.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (request.httpRequest().method() != SdkHttpMethod.PUT || request.contentStreamProvider().isEmpty()
                || left.getAndDecrement() <= 0) {
            return delegate.prepareRequest(request);
        }
        damaged.incrementAndGet();
        var provider = request.contentStreamProvider().get();
        return delegate.prepareRequest(HttpExecuteRequest.builder().request(request.httpRequest())
                .contentStreamProvider(() -> flipAt(provider.newStream(), 100)).build());
    }

    private static InputStream flipAt(InputStream in, long position) {
        return new FilterInputStream(in) {
            long pos;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && pos++ == position) {
                    b ^= 0x01;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0 && position >= pos && position < pos + n) {
                    buf[off + (int) (position - pos)] ^= 0x01;
                }
                pos += Math.max(0, n);
                return n;
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
