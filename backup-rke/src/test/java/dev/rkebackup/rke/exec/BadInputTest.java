package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused before rke runs; nothing is started and nothing is left behind. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
    @TempDir
    Path tmp;
    private RkeStandin standin;
    private RkeRunner runner;
    private Path work;

    @BeforeEach
    void setUp() throws Exception {
        standin = RkeStandin.builder("v1.3.15", tmp.resolve("s")).build();
        work = Files.createDirectories(tmp.resolve("work"));
        runner = RkeRunner.builder(RkeBinary.at(standin.executable())).workDirectory(work).build();
    }

    private void assertNothingRan() throws Exception {
        assertThat(standin.invocations()).extracting(i -> i.text("command")).containsOnly("--version");
        try (var left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void missingConfigFile() throws Exception {
        assertThatThrownBy(() -> runner.snapshotSave(SnapshotSaveRequest.builder(tmp.resolve("nope.yml")).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nope.yml");
        assertThatThrownBy(() -> runner.up(tmp.resolve("nope.yml"))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> runner.restoreCommand(RestoreRequest.builder(tmp.resolve("nope.yml"), "x").build()))
                .isInstanceOf(InvalidInputException.class);
        assertNothingRan();
    }

    @Test
    void configWithoutEtcdNode() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("cluster.yml"), "nodes:\n- address: 10.0.0.1\n  user: rke\n"
                + "  role: [worker]\n");
        assertThatThrownBy(() -> runner.snapshotSave(SnapshotSaveRequest.builder(cfg).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("etcd");
        assertNothingRan();
    }

    @Test
    void badNamesAndTimeouts() throws Exception {
        Path cfg = tmp.resolve("cluster.yml");
        assertThatThrownBy(() -> SnapshotSaveRequest.builder(cfg).name("../../etc/passwd"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> SnapshotSaveRequest.builder(cfg).timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RestoreRequest.builder(cfg, "x").timeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RkeRunner.builder(runner.binary()).timeout(null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RestoreRequest.builder(cfg, "")).isInstanceOf(InvalidInputException.class);
        assertNothingRan();
    }

    @Test
    void unwritableWorkDirectoryIsReportedAndNothingRuns() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("cluster.yml"), "nodes:\n- address: 10.0.0.1\n  user: rke\n"
                + "  role: [etcd]\n");
        RkeRunner broken = RkeRunner.builder(runner.binary()).workDirectory(tmp.resolve("missing-dir")).build();
        assertThatThrownBy(() -> broken.snapshotSave(SnapshotSaveRequest.builder(cfg).name("a").build()))
                .hasMessageContaining("private temporary directory").hasMessageContaining("missing-dir");
        assertNothingRan();
    }
}
