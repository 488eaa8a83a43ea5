package dev.rkebackup.sftp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.storage.ObjectStores;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed sftp:// locations fail before anything connects, with a message that says what to write instead. */
class SftpObjectStoreFactoryTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "sftp://127.0.0.1/srv/b                      | names no user",
        "sftp:relative                               | has no host",
        "sftp://root@/srv/b                          | has no host",
        "sftp://root@127.0.0.1                       | names no directory",
        "sftp://root@127.0.0.1/                      | names no directory",
        "sftp://root@127.0.0.1/srv/../etc            | '..' segment",
        "sftp://root@127.0.0.1/srv/b?colour=red      | unknown option 'colour'",
        "sftp://root@127.0.0.1/srv/b?pool-size=0     | must be a positive number",
        "sftp://root@127.0.0.1/srv/b?pool-size=x     | must be a positive number",
        "sftp://root@127.0.0.1/srv/b?agent=maybe     | must be true or false",
        "sftp://root@127.0.0.1/srv/b#frag            | must not have a #fragment",
        "sftp://root@127.0.0.1/srv/b?identity=/nope/k | does not exist",
    })
    void malformedLocationsAreRejected(String location, String message) {
        assertThatThrownBy(() -> ObjectStores.open(location.strip()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void aPasswordInTheLocationIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> ObjectStores.open("sftp://root:hunter2@127.0.0.1/srv/b"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("contains a password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void identityAndAgentTogetherAreRefused() throws Exception {
        Path key = Files.writeString(tmp.resolve("k"), "x");
        assertThatThrownBy(() -> new SftpObjectStoreFactory(Map.of("SSH_AUTH_SOCK", "/tmp/s")::get)
                .builderFor(URI.create("sftp://root@127.0.0.1/srv/b?agent=true&identity=" + key)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("choose one");
    }

    @Test
    void agentWithoutSocketSaysHowToStartOne() {
        assertThatThrownBy(() -> new SftpObjectStoreFactory(Map.of("HOME", tmp.toString())::get)
                .builderFor(URI.create("sftp://root@127.0.0.1/srv/b?agent=true")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("SSH_AUTH_SOCK is not set");
    }

    @Test
    void noKeyAtAllSaysHowToNameOne() {
        assertThatThrownBy(() -> new SftpObjectStoreFactory(Map.of("HOME", tmp.toString())::get)
                .builderFor(URI.create("sftp://root@127.0.0.1/srv/b")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("?identity=FILE");
    }
}
