package dev.rkebackup.sftp;

import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreContractTest;
import dev.rkebackup.sftp.testing.SftpServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The core ObjectStore contract on Debian's OpenSSH sshd (internal-sftp) on 127.0.0.1. */
class SftpObjectStoreContractTest extends ObjectStoreContractTest {
    private static SftpServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = SftpServer.start(null);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore createStore() {
        return SftpObjectStore.builder(server.endpoint(), server.dataDir.resolve(UUID.randomUUID().toString())
                .toString()).build();
    }
}
