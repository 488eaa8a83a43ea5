package dev.rkebackup.s3.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One plain-http {@link S3ProxyServer} per test class, started before the first test and stopped after the last:
 * {@code @RegisterExtension static final S3ProxyExtension S3PROXY = new S3ProxyExtension();}, then
 * {@code S3PROXY.server()}.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    private S3ProxyServer server;
    private Path dir;

    /**
     * The running server.
     *
     * @return the server
     * @throws IllegalStateException outside the test class's lifetime
     */
    public S3ProxyServer server() {
        if (server == null) {
            throw new IllegalStateException("the S3 server runs only while the test class runs");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("s3proxy-");
        server = S3ProxyServer.http(dir.resolve("s3"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}
