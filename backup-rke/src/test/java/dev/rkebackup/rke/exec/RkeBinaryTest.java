package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.CommandException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RkeBinaryTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"v0.1.18", "v0.2.8", "v1.2.8", "v1.3.14", "v1.6.3"})
    void identifiesTheVersionFromRkeVersionOutput(String version) {
        RkeStandin s = RkeStandin.builder(version, tmp).build();
        RkeBinary rke = RkeBinary.at(s.executable());
        assertThat(rke.version()).isEqualTo(RkeVersion.parse(version));
        assertThat(rke.path()).isEqualTo(s.executable().toAbsolutePath());
        assertThat(s.invocations()).singleElement().satisfies(i -> assertThat(i.argv().subList(1, 2))
                .containsExactly("--version"));
        assertThat(rke.toString()).contains(version);
    }

    @Test
    void findsRkeOnTheSearchPath() {
        RkeStandin s = RkeStandin.builder("v1.3.15", tmp).build();
        RkeBinary rke = RkeBinary.onPath(tmp.resolve("nothing-here") + ":" + s.executable().getParent());
        assertThat(rke.version()).isEqualTo(RkeVersion.of(1, 3, 15));
    }

    @Test
    void clearErrorsWhenRkeIsMissingOrUnusable() throws Exception {
        assertThatThrownBy(() -> RkeBinary.onPath(tmp.toString())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("No executable named rke").hasMessageContaining(tmp.toString());
        assertThatThrownBy(() -> RkeBinary.at(tmp.resolve("rke"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> RkeBinary.at(tmp)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is a directory");
        Path plain = Files.writeString(tmp.resolve("rke"), "#!/bin/sh\necho rke version v1.0.0\n");
        assertThatThrownBy(() -> RkeBinary.at(plain)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("chmod +x");
    }

    @Test
    void aBinaryThatIsNotRkeIsRejected() throws Exception {
        Path fake = script("notrke", "echo 'Usage: something else'");
        assertThatThrownBy(() -> RkeBinary.at(fake)).isInstanceOf(CommandException.class)
                .hasMessageContaining("did not print \"rke version");
        Path failing = script("failing", "echo boom >&2; exit 3");
        assertThatThrownBy(() -> RkeBinary.at(failing)).isInstanceOf(CommandException.class)
                .hasMessageContaining("exit code 3").satisfies(e -> assertThat(((CommandException) e).outputTail())
                        .contains("boom"));
        Path garbage = script("garbage", "echo 'rke version banana'");
        assertThatThrownBy(() -> RkeBinary.at(garbage)).isInstanceOf(InvalidInputException.class);
        Path dev = script("dev", "echo 'rke version dev'");
        assertThat(RkeBinary.at(dev).version().isDev()).isTrue();
    }

    private Path script(String name, String body) throws Exception {
        Path p = Files.writeString(tmp.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
