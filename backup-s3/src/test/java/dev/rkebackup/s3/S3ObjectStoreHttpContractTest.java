package dev.rkebackup.s3;

import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreContractTest;
import dev.rkebackup.s3.support.S3ProxyServer;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core ObjectStore contract on a real S3-compatible server (s3proxy) over plain http. Each test gets its own
 * prefix, so its store starts empty. Parts of 5 MiB make the 256 MiB round trip a 52-part parallel upload.
 */
class S3ObjectStoreHttpContractTest extends ObjectStoreContractTest {
    @TempDir
    static Path dir;
    static S3ProxyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.http(dir.resolve("s3"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Override
    protected ObjectStore createStore() {
        return server.storeBuilder().prefix("contract/" + UUID.randomUUID()).partSize(5L << 20).build();
    }
}
