package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.etcd.testing.RkeEtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's path without any rke binary, through the jar: {@code backup --from-etcd} from a real TLS etcd,
 * {@code verify --drill}, and {@code restore} (with the rke stand-in) ending in a health report.
 */
@Timeout(300)
class EtcdNativeIT {
    @RegisterExtension
    static final RkeEtcdCluster ETCD = RkeEtcdCluster.of(3);

    @TempDir
    Path tmp;

    @BeforeAll
    static void fill() {
        ETCD.loadRegistry(50, 11);
    }

    private RkeStandin standin() throws Exception {
        RkeStandin.Builder b = RkeStandin.builder("v1.6.3", tmp.resolve("standin"));
        for (int i = 0; i < 3; i++) {
            b.node(ETCD.addresses().get(i), ETCD.endpoints().get(i));
        }
        RkeStandin rke = b.build();
        for (String a : ETCD.addresses()) {
            Files.createDirectories(rke.snapshotDir(a));
        }
        Files.writeString(tmp.resolve("cluster.yml"), rke.clusterYaml(""));
        ETCD.writeStateFile(tmp.resolve("cluster.rkestate"));
        return rke;
    }

    private String port() {
        return String.valueOf(ETCD.clientPort());
    }

    @Test
    void backupFromEtcdDrillAndRestoreWithoutRke() throws Exception {
        RkeStandin rke = standin();
        Cli.Result b = Cli.run(tmp, "backup", "--from-etcd", "--config", "cluster.yml", "--rke-version", "v1.6.3",
                "--store", tmp.resolve("store").toString(), "--etcd-port", port(), "--name", "n1", "--json");
        assertThat(b.exitCode()).as(b.all()).isZero();
        JsonNode j = Cli.json(b);
        String set = j.get("setId").asText();
        assertThat(j.get("verified").asBoolean()).isTrue();
        assertThat(j.get("etcd").get("cluster-id").asText()).isNotEmpty();
        assertThat(j.get("members")).hasSize(3);
        assertThat(j.get("artifacts").toString()).contains("snapshots/n1.zip").contains("cluster.rkestate");
        // the certificates' keys never show up anywhere the operator (or a log collector) sees
        assertThat(b.all()).doesNotContain("PRIVATE KEY").doesNotContain(ETCD.pki().read("kube-node-key.pem")
                .lines().skip(1).findFirst().orElseThrow());
        assertThat(rke.invocations()).isEmpty();

        Cli.Result text = Cli.run(tmp, "backup", "--from-etcd", "--config", "cluster.yml", "--rke-version",
                "v1.6.3", "--store", tmp.resolve("store").toString(), "--etcd-port", port(), "--name", "n2");
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.stdout()).contains("from etcd member").contains("hashKV@");

        Cli.Result drill = Cli.run(tmp, "verify", "--drill", "--set", set, "--store", tmp.resolve("store")
                .toString(), "--json");
        assertThat(drill.exitCode()).as(drill.all()).isZero();
        JsonNode d = Cli.json(drill);
        assertThat(d.get("ok").asBoolean()).isTrue();
        assertThat(d.get("keys").asLong()).isGreaterThan(50);
        Cli.Result newest = Cli.run(tmp, "verify", "--drill", "--store", tmp.resolve("store").toString());
        assertThat(newest.exitCode()).as(newest.all()).isZero();
        assertThat(newest.stdout()).contains("PASSED").contains("ok     revision");

        Cli.Result plan = Cli.run(tmp, "restore", "--config", "cluster.yml", "--rke", rke.executable().toString(),
                "--store", tmp.resolve("store").toString(), "--set", set, "--local", "--snapshot-dir",
                rke.snapshotDir(ETCD.addresses().get(0)).toString(), "--etcd-port", port(), "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.stdout()).contains("done    verify").contains("planned rke");
        assertThat(rke.snapshotDir(ETCD.addresses().get(0)).resolve("n1.zip")).doesNotExist();

        Cli.Result restore = Cli.run(tmp, "restore", "--config", "cluster.yml", "--rke", rke.executable()
                .toString(), "--store", tmp.resolve("store").toString(), "--set", set, "--local", "--snapshot-dir",
                rke.snapshotDir(ETCD.addresses().get(0)).toString(), "--etcd-port", port(), "--json");
        assertThat(restore.exitCode()).as(restore.all()).isZero();
        JsonNode r = Cli.json(restore);
        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(r.get("members")).hasSize(3);
        assertThat(rke.invocations()).anySatisfy(i -> assertThat(i.text("command")).isEqualTo(
                "etcd snapshot-restore"));
    }

    @Test
    void failuresAreExitCodesWithMessagesInCliWords() throws Exception {
        standin();
        String store = tmp.resolve("store").toString();
        Cli.Result bad = Cli.run(tmp, "backup", "--from-etcd", "--no-snapshot", "--name", "x", "--config",
                "cluster.yml", "--rke-version", "v1.6.3", "--store", store);
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--from-etcd").doesNotContain("\tat ");

        Cli.Result old = Cli.run(tmp, "backup", "--from-etcd", "--config", "cluster.yml", "--rke-version",
                "v0.1.18", "--store", store, "--etcd-port", port());
        assertThat(old.exitCode()).as(old.all()).isEqualTo(2);
        assertThat(old.stderr()).contains("leave out --from-etcd");

        Cli.Result down = Cli.run(tmp, "backup", "--from-etcd", "--config", "cluster.yml", "--rke-version",
                "v1.6.3", "--store", store, "--etcd-port", "1");
        assertThat(down.exitCode()).as(down.all()).isEqualTo(1);
        assertThat(down.stderr()).contains("do not agree").contains("cannot reach https://127.0.0.1:1")
                .doesNotContain("\tat ");

        Cli.Result ok = Cli.run(tmp, "backup", "--from-etcd", "--config", "cluster.yml", "--rke-version",
                "v1.6.3", "--store", store, "--etcd-port", port(), "--name", "good", "--json");
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        String set = Cli.json(ok).get("setId").asText();
        try (Stream<Path> w = Files.walk(tmp.resolve("store"))) {
            Path zip = w.filter(p -> p.toString().endsWith("good.zip")).findFirst().orElseThrow();
            Files.write(zip, new byte[100]);
        }
        Cli.Result drill = Cli.run(tmp, "verify", "--drill", "--set", set, "--store", store);
        assertThat(drill.exitCode()).as(drill.all()).isEqualTo(1);
        assertThat(drill.stdout()).contains("FAILED verify");
        assertThat(drill.stderr()).contains("do not rely on this set");

        Cli.Result noTools = Cli.run(tmp, "verify", "--drill", "--set", set, "--store", store, "--etcd-bin",
                Files.createDirectories(tmp.resolve("nobin")).toString(), "--json");
        assertThat(noTools.exitCode()).isEqualTo(1);
        assertThat(Cli.json(noTools).get("checks").get(0).get("detail").asText()).contains("not found in");
    }
}
