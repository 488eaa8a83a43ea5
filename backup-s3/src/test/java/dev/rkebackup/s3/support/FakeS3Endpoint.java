package dev.rkebackup.s3.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A tiny HTTP server on 127.0.0.1 that answers every request with one fixed S3 error, for answers a local s3proxy
 * never gives (AWS region redirects, access denied by a bucket policy).
 */
public final class FakeS3Endpoint implements AutoCloseable {
    private final HttpServer server;

    private FakeS3Endpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the server.
     *
     * @param status the HTTP status
     * @param code the S3 error code in the XML body
     * @param message the S3 error message
     * @param headers extra response headers
     * @return the running server
     */
    public static FakeS3Endpoint start(int status, String code, String message, Map<String, String> headers)
            throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>FAKE</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        s.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        s.start();
        return new FakeS3Endpoint(s);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
