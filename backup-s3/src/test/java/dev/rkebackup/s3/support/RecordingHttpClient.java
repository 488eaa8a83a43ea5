package dev.rkebackup.s3.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Records every request (method, URI, headers; not the body) before passing it to the real HTTP client. */
public final class RecordingHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;
    private final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

    public RecordingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /** @return the requests sent so far, oldest first */
    public List<SdkHttpRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        requests.add(request.httpRequest());
        return delegate.prepareRequest(request);
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
