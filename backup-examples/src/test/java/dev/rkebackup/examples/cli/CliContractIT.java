package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parts of issue 7's command-line contract not covered elsewhere: every command has {@code --help}, and
 * {@code inspect --json} carries the keys and value forms the contract names.
 */
@Timeout(120)
class CliContractIT {
    @TempDir
    Path tmp;

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String cmd : List.of("inspect", "snapshot", "backup", "prepare-restore")) {
            Cli.Result r = Cli.run(tmp, cmd, "--help");
            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.stdout()).contains("Usage: rke-backup " + cmd).contains("--config");
        }
        Cli.Result top = Cli.run(tmp, "--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.stdout()).contains("inspect", "snapshot", "backup", "list", "verify", "prune", "fetch",
                "prepare-restore");
    }

    /**
     * On a terminal ({@code script} gives the tool a pseudo-terminal) transfers draw a progress bar on stderr, and
     * the bar is cleared or ended before the results are printed: no result line may start inside a bar.
     */
    @Test
    void progressBarOnATerminalDoesNotRunIntoTheResults() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertThat(script).as("/usr/bin/script (Debian: bsdutils) gives the tool a terminal").isExecutable();
        Path samples = Cli.projectRoot().resolve("samples/cluster");
        List<String> java = new ArrayList<>(Cli.javaProcess(tmp, Map.of(), List.of("-jar", Cli.jar().toString(),
                "backup", "--config", samples.resolve("rancher-cluster.yml").toString(), "--rke-version", "v1.6.3",
                "--local", "--snapshot-dir", samples.resolve("etcd-snapshots").toString(), "--no-snapshot",
                "--name", "demo-snapshot", "--store", tmp.resolve("store").toString())).command());
        String shell = String.join(" ", java.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        Process p = new ProcessBuilder(script.toString(), "-qec", shell, "/dev/null").directory(tmp.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String terminal = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(terminal).isZero();
        assertThat(terminal).as("a progress bar on a terminal").contains("100%");
        for (String line : terminal.split("\n")) {
            String shown = line.substring(line.lastIndexOf('\r', line.length() - 2) + 1);
            if (shown.contains("stored backup set")) {
                assertThat(shown).as("what the terminal shows on that line").startsWith("stored backup set");
            }
        }
    }

    @Test
    void inspectJsonHasTheContractKeys() throws Exception {
        Files.writeString(tmp.resolve("cluster.yml"), """
                cluster_name: contract
                nodes:
                  - address: 10.0.0.1
                    internal_address: 172.16.0.1
                    hostname_override: etcd-1
                    user: rancher
                    role: [controlplane, etcd, worker]
                  - address: 10.0.0.2
                    user: rancher
                    role: [controlplane, etcd, worker]
                  - address: 10.0.0.3
                    user: rancher
                    role: [controlplane, etcd, worker]
                services:
                  etcd:
                    backup_config:
                      interval_hours: 6
                      retention: 12
                      s3backupconfig:
                        bucket_name: backups
                        endpoint: s3.example.com
                        region: eu-west-1
                        folder: rancher
                        access_key: AKIACONTRACT
                        secret_key: contractSecretValue
                """);
        Files.writeString(tmp.resolve("cluster.rkestate"), "{}\n");
        Cli.Result r = Cli.run(tmp, "inspect", "--config", "cluster.yml", "--rke-version", "v1.6.3", "--json");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.all()).doesNotContain("contractSecretValue").doesNotContain("AKIACONTRACT");
        JsonNode j = Cli.json(r);
        assertThat(j.path("clusterName").asText()).isEqualTo("contract");
        assertThat(j.path("rkeVersion").isTextual()).as("rkeVersion is a string: " + j.path("rkeVersion")).isTrue();
        assertThat(j.path("rkeVersion").asText()).isEqualTo("v1.6.3");
        assertThat(j.path("configGeneration").asText()).isEqualTo("backup_config");
        JsonNode etcd = j.path("etcd");
        assertThat(etcd.path("members").asInt()).isEqualTo(3);
        assertThat(etcd.path("majority").asInt()).isEqualTo(2);
        assertThat(etcd.path("faultTolerance").asInt()).isEqualTo(1);
        assertThat(etcd.path("nodes")).hasSize(3);
        assertThat(etcd.path("nodes").get(0).path("address").asText()).isEqualTo("10.0.0.1");
        assertThat(etcd.path("nodes").get(0).path("internalAddress").asText()).isEqualTo("172.16.0.1");
        assertThat(etcd.path("nodes").get(0).path("hostnameOverride").asText()).isEqualTo("etcd-1");
        JsonNode recurring = j.path("recurring");
        assertThat(recurring.path("enabled").asBoolean()).isTrue();
        assertThat(recurring.path("intervalHours").asInt()).isEqualTo(6);
        assertThat(recurring.path("retentionCount").asInt()).isEqualTo(12);
        assertThat(recurring.path("retentionWindowHours").asInt()).isEqualTo(72);
        JsonNode s3 = j.path("s3");
        assertThat(s3.path("bucket").asText()).isEqualTo("backups");
        assertThat(s3.path("endpoint").asText()).isEqualTo("s3.example.com");
        assertThat(s3.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(s3.path("folder").asText()).isEqualTo("rancher");
        assertThat(s3.path("customCa").isBoolean()).isTrue();
        assertThat(j.path("restoreArtifacts")).extracting(JsonNode::asText)
                .containsExactly("etcd-snapshot", "cluster-config", "rkestate");
        assertThat(j.path("warnings")).allSatisfy(w -> {
            assertThat(w.path("code").isTextual()).isTrue();
            assertThat(w.path("message").isTextual()).isTrue();
        });
    }

    @Test
    void inspectJsonUnknownVersionIsNullAndLegacyHasNoRetentionCount() throws Exception {
        Files.writeString(tmp.resolve("legacy.yml"), """
                nodes:
                  - address: 10.0.0.1
                    user: rancher
                    role: [controlplane, etcd, worker]
                services:
                  etcd:
                    snapshot: true
                    creation: 6h
                    retention: 24h
                """);
        Cli.Result r = Cli.run(tmp, "inspect", "--config", "legacy.yml", "--json");
        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode j = Cli.json(r);
        assertThat(j.has("rkeVersion")).isTrue();
        assertThat(j.path("rkeVersion").isNull()).as("rkeVersion: " + j.path("rkeVersion")).isTrue();
        assertThat(j.path("configGeneration").asText()).isEqualTo("legacy");
        assertThat(j.path("recurring").has("retentionCount")).isTrue();
        assertThat(j.path("recurring").path("retentionCount").isNull()).isTrue();
        assertThat(j.has("s3")).isTrue();
        assertThat(j.path("s3").isNull()).isTrue();
    }
}
