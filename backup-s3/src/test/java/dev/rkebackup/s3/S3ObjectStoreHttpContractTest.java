package dev.rkebackup.s3;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.rkebackup.s3.support.S3ProxyExtension;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreContractTest;
import dev.rkebackup.s3.support.S3ProxyServer;
import java.util.UUID;

/**
 * The core ObjectStore contract on a real S3-compatible server (s3proxy) over plain http. Each test gets its own
 * prefix, so its store starts empty. Parts of 5 MiB make the 256 MiB round trip a 52-part parallel upload.
 */
class S3ObjectStoreHttpContractTest extends ObjectStoreContractTest {
    @RegisterExtension
    static final S3ProxyExtension S3PROXY = new S3ProxyExtension();

    @Override
    protected ObjectStore createStore() {
        return S3PROXY.server().storeBuilder().prefix("contract/" + UUID.randomUUID()).partSize(5L << 20).build();
    }
}
