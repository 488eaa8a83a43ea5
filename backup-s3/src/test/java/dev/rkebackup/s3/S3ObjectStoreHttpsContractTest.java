package dev.rkebackup.s3;

import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreContractTest;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.s3.support.TestCa;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core ObjectStore contract over https, trusting a CA generated for the test in addition to the system CAs.
 * Default settings (16 MiB parts) except the large object: 64 MiB instead of 256 MiB, because TLS on both ends of
 * a 2-core CI machine makes the round trip several times slower and the http run already moves 256 MiB.
 */
class S3ObjectStoreHttpsContractTest extends ObjectStoreContractTest {
    @TempDir
    static Path dir;
    static S3ProxyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.https(dir.resolve("s3"), TestCa.shared());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Override
    protected ObjectStore createStore() {
        return server.storeBuilder().prefix("contract/" + UUID.randomUUID()).build();
    }

    @Override
    protected long largeObjectSize() {
        return 64L << 20; // see the class comment
    }
}
