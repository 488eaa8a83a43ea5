package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import dev.rkebackup.s3.support.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job through the real jar, as an operator runs it: a 3-member etcd, the rke stand-in (real snapshots from
 * that etcd into per-node roots), one SSH server per etcd node serving those roots, and an S3-compatible server as the
 * store. Every {@code --json} run must print exactly one JSON document; the S3 secret key must never appear.
 */
@Timeout(240)
class EndToEndIT {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();

    static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    static final String STATE = "{\"desiredState\": {\"rkeConfig\": {\"clusterName\": \"e2e\"}}, "
            + "\"currentState\": {}}\n";

    @TempDir
    Path tmp;

    final List<Cli.Result> runs = new ArrayList<>();
    Map<String, String> env;
    Path work;

    @Test
    void inspectSnapshotBackupListVerifyDamagePrunePrepareRestore() throws Exception {
        RkeStandin.Builder sb = RkeStandin.builder("v1.6.3", tmp.resolve("standin")).etcd(ETCD);
        for (int i = 0; i < HOSTS.size(); i++) {
            sb.node(HOSTS.get(i), i);
        }
        RkeStandin rke = sb.build();
        Map<String, Path> roots = new LinkedHashMap<>();
        HOSTS.forEach(h -> roots.put(h, rke.nodeRoot(h)));
        try (S3ProxyServer s3 = S3ProxyServer.http(tmp.resolve("s3"));
                LoopbackSshNodes ssh = LoopbackSshNodes.start(tmp.resolve("ssh"), roots)) {
            work = Files.createDirectories(tmp.resolve("work"));
            Path config = work.resolve("cluster.yml");
            Files.writeString(config, "cluster_name: e2e\n" + ssh.nodesYaml()
                    + "services:\n  etcd:\n    backup_config:\n      interval_hours: 12\n      retention: 6\n");
            Files.writeString(work.resolve("cluster.rkestate"), STATE);
            env = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey());
            String store = "s3://" + S3ProxyServer.BUCKET + "/e2e?endpoint=" + s3.endpoint()
                    + "&region=us-east-1&path-style=true";
            String rkePath = rke.executable().toString();
            String[] nodeFlags = {"--known-hosts", ssh.knownHosts().toString()};

            JsonNode inspect = json(ok("inspect", "--config", "cluster.yml", "--rke", rkePath, "--json"));
            assertThat(inspect.get("clusterName").asText()).isEqualTo("e2e");
            assertThat(inspect.get("rkeVersion").asText()).isEqualTo("v1.6.3");
            assertThat(inspect.get("configGeneration").asText()).isEqualTo("backup_config");
            assertThat(inspect.get("etcd").get("members").asInt()).isEqualTo(3);
            assertThat(inspect.get("etcd").get("nodes")).extracting(n -> n.get("address").asText())
                    .containsExactlyElementsOf(HOSTS);
            assertThat(inspect.get("recurring").get("intervalHours").asInt()).isEqualTo(12);
            assertThat(inspect.get("recurring").get("retentionCount").asInt()).isEqualTo(6);
            assertThat(inspect.get("s3").isNull()).isTrue();
            assertThat(inspect.get("restoreArtifacts")).extracting(JsonNode::asText)
                    .containsExactly("etcd-snapshot", "cluster-config", "rkestate");
            JsonNode dry = json(ok("enable-recurring", "--config", "cluster.yml", "--rke", rkePath,
                    "--interval-hours", "6", "--retention", "12", "--dry-run", "--json"));
            assertThat(dry.get("changed").asBoolean()).isTrue();
            assertThat(dry.get("written").asBoolean()).isFalse();
            assertThat(Files.readString(config)).contains("interval_hours: 12");
            JsonNode enabled = json(ok("enable-recurring", "--config", "cluster.yml", "--rke", rkePath,
                    "--interval-hours", "6", "--retention", "12", "--apply", "--json"));
            assertThat(enabled.get("changed").asBoolean()).isTrue();
            assertThat(enabled.get("rkeUpConfirmed").asBoolean()).isTrue();
            assertThat(enabled.get("diff").asText()).contains("-      interval_hours: 12", "+      interval_hours: 6",
                    "+      retention: 12");
            assertThat(Files.readString(config)).contains("interval_hours: 6\n", "retention: 12\n");
            assertThat(work.resolve("cluster.yml.bak")).content().contains("interval_hours: 12");
            assertThat(rke.invocations()).anySatisfy(i -> assertThat(i.argv()).contains("up"));
            JsonNode after = json(ok("inspect", "--config", "cluster.yml", "--rke", rkePath, "--json"));
            assertThat(after.get("recurring").get("intervalHours").asInt()).isEqualTo(6);
            assertThat(after.get("recurring").get("retentionWindowHours").asInt()).isEqualTo(72);

            JsonNode snap = json(ok("snapshot", "--config", "cluster.yml", "--rke", rkePath, "--name", "e2e-1",
                    "--json"));
            assertThat(snap.get("name").asText()).isEqualTo("e2e-1");
            assertThat(snap.get("rkeVersion").asText()).isEqualTo("v1.6.3");
            assertThat(snap.get("outcome").asText()).isEqualTo("success");
            assertThat(snap.get("hosts")).hasSize(3)
                    .allSatisfy(h -> assertThat(h.get("status").asText()).isEqualTo("ok"));
            assertThat(snap.get("s3Key").isNull()).isTrue();
            for (String h : HOSTS) {
                assertThat(rke.snapshotDir(h).resolve("e2e-1.zip")).isRegularFile();
            }

            JsonNode first = json(ok(concat(new String[] {"backup", "--config", "cluster.yml", "--store", store,
                "--rke", rkePath, "--no-snapshot", "--name", "e2e-1", "--json"}, nodeFlags)));
            String setA = first.get("setId").asText();
            assertThat(first.get("snapshotName").asText()).isEqualTo("e2e-1");
            assertThat(first.get("complete").asBoolean()).isTrue();
            assertThat(first.get("pruned")).isEmpty();
            JsonNode snapArtifact = artifact(first, "etcd-snapshot");
            assertThat(snapArtifact.get("sha256").asText()).isIn(sha256(rke.snapshotDir(HOSTS.get(0))
                    .resolve("e2e-1.zip")), sha256(rke.snapshotDir(HOSTS.get(1)).resolve("e2e-1.zip")),
                    sha256(rke.snapshotDir(HOSTS.get(2)).resolve("e2e-1.zip")));
            assertThat(snapArtifact.get("source").asText()).contains("127.0.0.").contains("e2e-1.zip");
            assertThat(artifact(first, "cluster-config").get("sha256").asText()).isEqualTo(sha256(config));
            // rke up (enable-recurring --apply) rewrote the state file, as RKE does
            assertThat(artifact(first, "rkestate").get("sha256").asText())
                    .isEqualTo(sha256(work.resolve("cluster.rkestate")));

            JsonNode list = json(ok("list", "--store", store, "--json"));
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("setId").asText()).isEqualTo(setA);
            assertThat(list.get(0).get("clusterName").asText()).isEqualTo("e2e");
            assertThat(list.get(0).get("snapshotName").asText()).isEqualTo("e2e-1");
            assertThat(list.get(0).get("rkeVersion").asText()).isEqualTo("v1.6.3");
            assertThat(list.get(0).get("complete").asBoolean()).isTrue();
            assertThat(list.get(0).get("artifactCount").asInt()).isEqualTo(first.get("artifacts").size());
            long total = 0;
            for (JsonNode a : first.get("artifacts")) {
                total += a.get("size").asLong();
            }
            assertThat(list.get(0).get("totalBytes").asLong()).isEqualTo(total);

            String wrongSecret = "wrong-" + s3.secretKey();
            Cli.Result denied = Cli.run(work, Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY",
                    wrongSecret), "list", "--store", store, "--json");
            assertThat(denied.exitCode()).as(denied.all()).isEqualTo(1);
            assertThat(denied.stderr()).startsWith("error: ");
            assertThat(denied.all()).doesNotContain(wrongSecret).doesNotContain("\tat ");

            JsonNode verified = json(ok("verify", "--store", store, "--json"));
            assertThat(verified).hasSize(1);
            assertThat(verified.get(0).get("ok").asBoolean()).isTrue();
            assertThat(verified.get(0).get("problems")).isEmpty();

            String snapPath = snapArtifact.get("path").asText();
            flipAByte(storedObject(s3.basedir(), setA + "/" + snapPath));
            Cli.Result damaged = run("verify", "--store", store, "--json");
            assertThat(damaged.exitCode()).as(damaged.all()).isEqualTo(1);
            assertThat(damaged.stderr()).startsWith("error: ");
            JsonNode bad = Cli.json(damaged).get(0);
            assertThat(bad.get("setId").asText()).isEqualTo(setA);
            assertThat(bad.get("ok").asBoolean()).isFalse();
            assertThat(bad.get("problems")).hasSize(1);
            assertThat(bad.get("problems").get(0).get("path").asText()).isEqualTo(snapPath);
            assertThat(bad.get("problems").get(0).get("problem").asText()).isEqualTo("checksum");

            JsonNode second = json(ok(concat(new String[] {"backup", "--config", "cluster.yml", "--store", store,
                "--rke", rkePath, "--name", "e2e-2", "--all-nodes", "--json"}, nodeFlags)));
            String setB = second.get("setId").asText();
            assertThat(setB).isNotEqualTo(setA);
            assertThat(second.get("snapshotName").asText()).isEqualTo("e2e-2");
            assertThat(second.get("complete").asBoolean()).isTrue();
            List<JsonNode> copies = new ArrayList<>();
            second.get("artifacts").forEach(a -> {
                if (a.get("kind").asText().equals("etcd-snapshot")) {
                    copies.add(a);
                }
            });
            assertThat(copies).as("--all-nodes stores every node's copy").hasSize(3);
            for (int i = 0; i < HOSTS.size(); i++) {
                Path nodeCopy = rke.snapshotDir(HOSTS.get(i)).resolve("e2e-2.zip");
                String nodeSha = sha256(nodeCopy);
                assertThat(copies).as(HOSTS.get(i)).anySatisfy(c -> assertThat(c.get("sha256").asText())
                        .isEqualTo(nodeSha));
            }
            String setBSha = artifact(second, "etcd-snapshot").get("sha256").asText();
            String setBPath = artifact(second, "etcd-snapshot").get("path").asText();
            assertThat(rke.invocations()).filteredOn(i -> i.text("command").equals("etcd snapshot-save"))
                    .extracting(i -> i.text("snapshotName")).containsExactly("e2e-1", "e2e-2");

            JsonNode pruned = json(ok("prune", "--store", store, "--keep-last", "1", "--json"));
            assertThat(pruned.get("kept")).extracting(JsonNode::asText).containsExactly(setB);
            assertThat(pruned.get("removed")).extracting(JsonNode::asText).containsExactly(setA);
            assertThat(json(ok("list", "--store", store, "--json"))).extracting(n -> n.get("setId").asText())
                    .containsExactly(setB);
            ok("fetch", "--store", store, "--set", setB, "--dir", "fetched");
            Path fetched = work.resolve("fetched").resolve(setBPath);
            assertThat(sha256(fetched)).isEqualTo(setBSha);
            assertThat(Files.getPosixFilePermissions(fetched)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            // After a disaster: node 2's local copy is damaged, node 3 lost its copy.
            Path damagedCopy = rke.snapshotDir(HOSTS.get(1)).resolve("e2e-2.zip");
            flipAByte(damagedCopy);
            String damagedSha = sha256(damagedCopy);
            Files.delete(rke.snapshotDir(HOSTS.get(2)).resolve("e2e-2.zip"));
            Cli.Result refused = run(concat(new String[] {"prepare-restore", "--config", "cluster.yml", "--store",
                store, "--set", setB, "--rke", rkePath, "--json"}, nodeFlags));
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
            assertThat(refused.stderr()).startsWith("error: ").doesNotContain("\tat ");
            JsonNode notReady = Cli.json(refused);
            assertThat(notReady.get("ready").asBoolean()).isFalse();
            assertThat(notReady.get("nodes").get(1).get("host").asText()).isEqualTo(HOSTS.get(1));
            assertThat(notReady.get("nodes").get(1).get("status").asText()).isEqualTo("failed");
            assertThat(refused.stderr()).contains(HOSTS.get(1)).contains("already exists");
            assertThat(sha256(damagedCopy)).as("a different file is never replaced without --force")
                    .isEqualTo(damagedSha);

            JsonNode restore = json(ok(concat(new String[] {"prepare-restore", "--config", "cluster.yml", "--store",
                store, "--set", setB, "--rke", rkePath, "--force", "--json"}, nodeFlags)));
            assertThat(restore.get("ready").asBoolean()).isTrue();
            assertThat(restore.get("sha256").asText()).isEqualTo(setBSha);
            assertThat(restore.get("nodes")).hasSize(3).allSatisfy(n -> assertThat(n.get("status").asText())
                    .isIn("ok", "unchanged"));
            for (String h : HOSTS) {
                assertThat(sha256(rke.snapshotDir(h).resolve("e2e-2.zip"))).as(h).isEqualTo(setBSha);
            }
            String command = restore.get("restoreCommand").asText();
            assertThat(command).isEqualTo(rkePath + " etcd snapshot-restore --config " + config.toAbsolutePath()
                    + " --name e2e-2");
            assertRestoreCommandIsAcceptedByRke(command);
            for (Cli.Result r : runs) {
                assertThat(r.all()).doesNotContain(s3.secretKey()).doesNotContain("\tat ");
                if (r.exitCode() == 0) {
                    // a backup into this plaintext store warns once, as it must; nothing else on stderr
                    assertThat(r.stderr().replaceFirst("warning: [^\n]* is not encrypted, not authenticated: [^\n]*\n",
                            "")).as("no progress bar or other noise without a terminal").isEmpty();
                }
            }
        }
    }

    /** Runs the printed restore command through the stand-in, which checks the snapshot on the nodes. */
    private void assertRestoreCommandIsAcceptedByRke(String command) throws Exception {
        Process p = new ProcessBuilder(command.split(" ")).directory(work.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Finished restoring snapshot [e2e-2]");
    }

    private Cli.Result run(String... args) throws IOException, InterruptedException {
        Cli.Result r = Cli.run(work, env, args);
        runs.add(r);
        return r;
    }

    private Cli.Result ok(String... args) throws IOException, InterruptedException {
        Cli.Result r = run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.all()).isZero();
        return r;
    }

    private static JsonNode json(Cli.Result r) throws IOException {
        return Cli.json(r);
    }

    private static JsonNode artifact(JsonNode backup, String kind) {
        for (JsonNode a : backup.get("artifacts")) {
            if (a.get("kind").asText().equals(kind)) {
                return a;
            }
        }
        throw new AssertionError("no " + kind + " artifact in " + backup);
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** The file behind an S3 object whose key ends with {@code suffix} (s3proxy's filesystem backend). */
    private static Path storedObject(Path basedir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(basedir)) {
            List<Path> hits = files.filter(Files::isRegularFile)
                    .filter(f -> basedir.relativize(f).toString().endsWith(suffix)).toList();
            assertThat(hits).as("stored object *" + suffix).hasSize(1);
            return hits.get(0);
        }
    }

    private static void flipAByte(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x01;
        Files.write(file, b);
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
