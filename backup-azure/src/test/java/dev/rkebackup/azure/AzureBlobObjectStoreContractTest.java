package dev.rkebackup.azure;

import dev.rkebackup.azure.testing.Azurite;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The core ObjectStore contract on Azurite. Each test gets a fresh container; 1 MiB blocks make the 256 MiB round
 * trip a 256-block parallel staged upload.
 */
class AzureBlobObjectStoreContractTest extends ObjectStoreContractTest {
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected ObjectStore createStore() {
        return azurite.storeBuilder(azurite.newContainer().getBlobContainerName()).prefix("contract/set")
                .blockSize(1 << 20).build();
    }
}
