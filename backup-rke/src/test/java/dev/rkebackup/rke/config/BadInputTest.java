package dev.rkebackup.rke.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every bad-input case of issue 3: each is a clear {@link InvalidInputException} naming the file and line. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private static String nodes(String extra) {
        return "nodes:\n  - address: 10.0.0.1\n    user: rancher\n    role: [etcd]\n" + extra;
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("rancher-cluster.yml");
        assertThatThrownBy(() -> ClusterConfig.load(missing)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("not found");
    }

    @Test
    void directoryInsteadOfFile() {
        assertThatThrownBy(() -> ClusterConfig.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void emptyFile() throws IOException {
        Path p = write("cluster.yml", "");
        assertThatThrownBy(() -> ClusterConfig.load(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("empty");
    }

    @Test
    void onlyCommentsAndWhitespace() throws IOException {
        Path p = write("cluster.yml", "# nothing here\n\n   \n# still nothing\n");
        assertThatThrownBy(() -> ClusterConfig.load(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("no content");
    }

    @Test
    void notYaml() throws IOException {
        Path p = write("cluster.yml", nodes("services:\n  etcd: {snapshot: true\n  kubelet: x\n"));
        assertThatThrownBy(() -> ClusterConfig.load(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString()).hasMessageMatching("(?s).*line [67].*")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void tabIndentationIsNotYaml() {
        assertThatThrownBy(() -> ClusterConfig.parse("nodes:\n\t- address: a\n", "tabs.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tabs.yml: line 2");
    }

    @Test
    void topLevelList() {
        assertThatThrownBy(() -> ClusterConfig.parse("- address: a\n  user: u\n", "list.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("list.yml: line 1").hasMessageContaining("found a list");
    }

    @Test
    void topLevelScalar() {
        assertThatThrownBy(() -> ClusterConfig.parse("just some text\n", "text.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("found a single value");
    }

    @Test
    void severalDocuments() {
        assertThatThrownBy(() -> ClusterConfig.parse(nodes("---\nnodes: []\n"), "multi.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("multi.yml");
    }

    @Test
    void intervalHoursAsText() {
        String yaml = nodes("services:\n  etcd:\n    backup_config:\n      interval_hours: \"six\"\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("c.yml: line 8")
                .hasMessageContaining("services.etcd.backup_config.interval_hours")
                .hasMessageContaining("whole number").hasMessageContaining("\"six\"")
                .hasMessageContaining("interval_hours: 6");
    }

    @Test
    void quotedNumberIsTextLikeInRke() {
        String yaml = nodes("services:\n  etcd:\n    backup_config:\n      retention: \"6\"\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 8").hasMessageContaining("backup_config.retention");
    }

    @Test
    void portAsList() {
        String yaml = "nodes:\n  - address: 10.0.0.1\n    user: rancher\n    port: [22]\n";
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("c.yml: line 4").hasMessageContaining("nodes[0].port")
                .hasMessageContaining("found a list");
    }

    @Test
    void snapshotAsText() {
        String yaml = nodes("services:\n  etcd:\n    snapshot: \"true\"\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 7").hasMessageContaining("true or false");
    }

    @Test
    void nodesNotAList() {
        assertThatThrownBy(() -> ClusterConfig.parse("nodes: 10.0.0.1\n", "c.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("`nodes` must be a list");
    }

    @Test
    void nodeWithoutAddress() {
        String yaml = "nodes:\n  - address: 10.0.0.1\n    user: u\n  - user: rancher\n    role: [etcd]\n";
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("c.yml: line 4").hasMessageContaining("nodes[1]")
                .hasMessageContaining("Address for host (2) is not provided");
    }

    @Test
    void nodeWithoutUser() {
        String yaml = "nodes:\n  - address: 10.0.0.1\n    role: [etcd]\n";
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("c.yml: line 2").hasMessageContaining("10.0.0.1")
                .hasMessageContaining("User for host (1) is not provided");
    }

    @Test
    void unknownRole() {
        String yaml = "nodes:\n  - address: 10.0.0.1\n    user: u\n    role: [etcd, master]\n";
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 4").hasMessageContaining("\"master\"");
    }

    @Test
    void noEtcdNodeIsAnInspectionErrorAndRefusedByRequire() throws IOException {
        Path p = write("cluster.yml", "nodes:\n  - address: 10.0.0.1\n    user: u\n    role: [controlplane]\n");
        ClusterConfig c = ClusterConfig.load(p);
        ConfigInspection i = ConfigInspector.inspect(c);
        assertThat(i.hasErrors()).isTrue();
        assertThat(i.findings(WarningCode.NO_ETCD_NODES)).singleElement()
                .satisfies(w -> assertThat(w.severity()).isEqualTo(Severity.ERROR))
                .satisfies(w -> assertThat(w.line()).isEqualTo(1));
        assertThatThrownBy(i::requireNoErrors).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("NO_ETCD_NODES");
        assertThatThrownBy(c::requireEtcdNodes).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString());
    }

    @Test
    void billionLaughsIsRefusedFast() {
        StringBuilder sb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            sb.append(c).append(": &").append(c).append(" [");
            for (int k = 0; k < 9; k++) {
                sb.append(k == 0 ? "" : ",").append('*').append(p);
            }
            sb.append("]\n");
        }
        assertRefusedFast(sb.toString(), "bomb.yml");
    }

    @Test
    void aliasBombBelowTheAliasLimitIsRefusedByTheExpansionBudget() {
        // 6 levels x 8 aliases = 48 aliases (under the limit of 50) but 8^6 = 262144 values when expanded
        StringBuilder sb = new StringBuilder("nodes: []\nl0: &l0 [x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level <= 6; level++) {
            sb.append('l').append(level).append(": &l").append(level).append(" [");
            for (int k = 0; k < 8; k++) {
                sb.append(k == 0 ? "" : ", ").append("*l").append(level - 1);
            }
            sb.append("]\n");
        }
        assertRefusedFast(sb.toString(), "bomb2.yml");
    }

    private static void assertRefusedFast(String yaml, String name) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, name)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(name).hasMessageContaining("alias");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
    }

    @Test
    void multiMegabyteFileIsRefusedBeforeReading() throws IOException {
        Path p = dir.resolve("huge.yml");
        byte[] line = "# padding padding padding padding padding padding padding padding padding\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(p)) {
            out.write(nodes("").getBytes(StandardCharsets.US_ASCII));
            for (long written = 0; written < 8L * 1024 * 1024; written += line.length) {
                out.write(line);
            }
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> ClusterConfig.load(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("too big");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    }

    @Test
    void multiMegabyteTextIsRefused() {
        String huge = nodes("x: \"" + "a".repeat(3 * 1024 * 1024) + "\"\n");
        assertThatThrownBy(() -> ClusterConfig.parse(huge, "big.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("big.yml").hasMessageContaining("too big");
    }

    @Test
    void nonUtf8Bytes() throws IOException {
        Path p = dir.resolve("latin1.yml");
        byte[] bytes = "nodes:\n  - address: 10.0.0.1\n    user: ren\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(p, bytes);
        assertThatThrownBy(() -> ClusterConfig.load(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("line 3")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void truncatedMultiByteSequenceAtEndOfFile() throws IOException {
        Path p = dir.resolve("cut.yml");
        byte[] text = nodes("# caf").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(text, text.length + 1);
        bytes[text.length] = (byte) 0xC3;
        Files.write(p, bytes);
        assertThatThrownBy(() -> ClusterConfig.load(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 5").hasMessageContaining("UTF-8");
    }

    @Test
    void wrongTypeOfSecretDoesNotEchoIt() {
        String yaml = nodes("services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n"
                + "        secret_key: [TopSecretValue]\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("secret_key").hasMessageNotContaining("TopSecretValue");
    }

    @Test
    void backupConfigNotAMapping() {
        String yaml = nodes("services:\n  etcd:\n    backup_config: true\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 7").hasMessageContaining("services.etcd.backup_config")
                .hasMessageContaining("mapping");
    }

    @Test
    void hugeIntegerIsOutOfRange() {
        String yaml = nodes("services:\n  etcd:\n    backup_config:\n      interval_hours: 99999999999\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "c.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void deepNestingIsRefused() {
        String yaml = nodes("deep: " + "[".repeat(500) + "]".repeat(500) + "\n");
        assertThatThrownBy(() -> ClusterConfig.parse(yaml, "deep.yml")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("deep.yml");
    }

    @Test
    void syntaxErrorsNearSecretsDoNotEchoThem() {
        String head = nodes("services:\n  etcd:\n    backup_config:\n      s3backupconfig:\n");
        for (String bad : List.of("        secret_key: \"TopSecretValue\n", "        secret_key: TopSecret: Value\n",
                "        secret_key: 'TopSecretValue\n", "        secret_key: TopSecretValue\n       bad: [\n")) {
            assertThatThrownBy(() -> ClusterConfig.parse(head + bad, "c.yml"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("c.yml: line")
                    .satisfies(t -> assertThat(t.getMessage()).doesNotContain("TopSecret"));
        }
    }

    @Test
    void controlCharactersAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> ClusterConfig.parse(nodes("# pasted\u0007 here\n"), "ctl.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ctl.yml: line 5")
                .hasMessageContaining("U+0007");
    }
}
