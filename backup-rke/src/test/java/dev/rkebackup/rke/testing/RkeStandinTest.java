package dev.rkebackup.rke.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in's own CLI behaviour (flags, streams, exit codes), run directly without the Java driver. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RkeStandinTest {
    @TempDir
    Path tmp;

    record Run(int exit, String stdout, String stderr) {
    }

    private Run run(RkeStandin s, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(s.executable().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void versionFlagPrintsRkeVersionLine() throws Exception {
        RkeStandin s = RkeStandin.builder("v1.3.15", tmp.resolve("a")).build();
        assertThat(run(s, "--version")).isEqualTo(new Run(0, "rke version v1.3.15\n", ""));
        assertThat(run(s, "-v").stdout()).isEqualTo("rke version v1.3.15\n");
    }

    @Test
    void unknownFlagIsAUsageErrorLikeUrfaveCli() throws Exception {
        RkeStandin old = RkeStandin.builder("v0.2.5", tmp.resolve("b")).build();
        Run r = run(old, "etcd", "snapshot-save", "--folder", "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).startsWith("Incorrect Usage: flag provided but not defined: -folder\n")
                .contains("level=fatal msg=\"flag provided but not defined: -folder\"");
        RkeStandin v01 = RkeStandin.builder("v0.1.18", tmp.resolve("c")).build();
        Run r2 = run(v01, "etcd", "snapshot-save", "--s3");
        assertThat(r2.exit()).isEqualTo(1);
        assertThat(r2.stderr()).contains("level=fatal msg=\"flag provided but not defined: -s3\"");
        RkeStandin v114 = RkeStandin.builder("v1.1.4", tmp.resolve("d")).build();
        assertThat(run(v114, "etcd", "snapshot-restore", "--use-local-state").exit()).isEqualTo(1);
        assertThat(run(v114, "--quiet", "--version").exit()).isZero();
        assertThat(run(RkeStandin.builder("v0.2.8", tmp.resolve("e")).build(), "--quiet", "up").stdout())
                .contains("flag provided but not defined: -quiet");
    }

    @Test
    void missingConfigAndMissingRestoreNameAreFatal() throws Exception {
        RkeStandin s = RkeStandin.builder("v1.6.3", tmp.resolve("f")).build();
        Run r = run(s, "etcd", "snapshot-save", "--config", "nope.yml");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).contains("level=info msg=\"Running RKE version: v1.6.3\"")
                .contains("level=fatal msg=\"failed to resolve cluster file: can not find cluster configuration "
                        + "file: open nope.yml: no such file or directory\"");
        Files.writeString(tmp.resolve("cluster.yml"), "nodes: []\n");
        Run restore = run(s, "etcd", "snapshot-restore");
        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.stdout()).contains("you must specify the snapshot name to restore");
        assertThat(run(s, "foo").exit()).isEqualTo(3);
        assertThat(run(s, "--quiet", "etcd", "snapshot-save", "--config", "nope.yml")).isEqualTo(new Run(1, "", ""));
        assertThat(s.invocations()).extracting(i -> i.text("command")).contains("etcd snapshot-save", "foo");
    }
}
