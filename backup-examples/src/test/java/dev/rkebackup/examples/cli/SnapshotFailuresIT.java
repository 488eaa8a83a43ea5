package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot that ran and failed is exit code 1 with the outcome read from rke's output: RKE v1.3.13+ exits 0 when
 * only some hosts failed, and a hanging rke is stopped at {@code --timeout}.
 */
@Timeout(120)
class SnapshotFailuresIT {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    @Test
    void partialFailureThatRkeExitsZeroForIsExitOne() throws Exception {
        RkeStandin rke = RkeStandin.builder("v1.3.15", tmp.resolve("standin")).etcd(ETCD)
                .node("10.0.0.1", 0).node("10.0.0.2", 0, RkeStandin.Fault.SNAPSHOT_FAIL).build();
        Files.writeString(tmp.resolve("cluster.yml"), rke.clusterYaml(""));
        Cli.Result r = Cli.run(tmp, "snapshot", "--config", "cluster.yml", "--rke", rke.executable().toString(),
                "--name", "partial", "--json");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(rke.invocations()).filteredOn(i -> i.text("command").equals("etcd snapshot-save"))
                .extracting(i -> i.json().path("exit").asInt()).containsExactly(0);
        JsonNode j = Cli.json(r);
        assertThat(j.get("outcome").asText()).isEqualTo("partial-failure");
        Map<String, String> hosts = new LinkedHashMap<>();
        j.get("hosts").forEach(h -> hosts.put(h.get("host").asText(), h.get("status").asText()));
        // RKE v1.3.13+ prints only the number of failed hosts, so a host may be "unknown", never "ok" when it failed
        assertThat(hosts.keySet()).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
        assertThat(hosts.get("10.0.0.2")).as(r.all()).isIn("failed", "unknown");
        assertThat(r.stderr()).contains("error: ").doesNotContain("\tat ");
    }

    @Test
    void hangingRkeIsStoppedAtTheTimeout() throws Exception {
        RkeStandin rke = RkeStandin.builder("v1.6.3", tmp.resolve("standin")).etcd(ETCD).node("10.0.0.1", 0)
                .hang(true).build();
        Files.writeString(tmp.resolve("cluster.yml"), rke.clusterYaml(""));
        long start = System.nanoTime();
        Cli.Result r = Cli.run(tmp, "snapshot", "--config", "cluster.yml", "--rke", rke.executable().toString(),
                "--name", "stuck", "--timeout", "3s", "--json");
        assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(60);
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(Cli.json(r).get("outcome").asText()).isEqualTo("timed-out");
        assertThat(r.stderr()).contains("error: ").doesNotContain("\tat ");
    }
}
