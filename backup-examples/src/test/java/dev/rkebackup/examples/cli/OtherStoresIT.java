package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.azure.testing.Azurite;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import dev.rkebackup.s3.support.S3ProxyServer;
import dev.rkebackup.sftp.testing.SftpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SFTP and Azure stores through the jar: a set backed up to S3 is copied to SFTP (Debian OpenSSH) and Azure
 * (Azurite), verifies there and restore-prepares from there; each store also takes a backup through its own URI,
 * and list, verify and fetch work on it. Copying again skips; secrets never show.
 */
@Timeout(600)
class OtherStoresIT {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();

    static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

    @TempDir
    Path tmp;

    final List<Cli.Result> runs = new ArrayList<>();
    Map<String, String> env;
    Path work;

    @Test
    void backupToS3CopyToSftpAndAzureVerifyFetchAndPrepareRestoreFromThere() throws Exception {
        RkeStandin.Builder sb = RkeStandin.builder("v1.6.3", tmp.resolve("standin")).etcd(ETCD);
        for (int i = 0; i < HOSTS.size(); i++) {
            sb.node(HOSTS.get(i), i);
        }
        RkeStandin rke = sb.build();
        Map<String, Path> roots = new LinkedHashMap<>();
        HOSTS.forEach(h -> roots.put(h, rke.nodeRoot(h)));
        try (S3ProxyServer s3 = S3ProxyServer.http(tmp.resolve("s3"));
                SftpServer sftp = SftpServer.start(null);
                Azurite azurite = Azurite.start();
                LoopbackSshNodes ssh = LoopbackSshNodes.start(tmp.resolve("ssh"), roots)) {
            work = Files.createDirectories(tmp.resolve("work"));
            Files.writeString(work.resolve("cluster.yml"), "cluster_name: e2e\n" + ssh.nodesYaml());
            Files.writeString(work.resolve("cluster.rkestate"), EndToEndIT.STATE);
            Map<String, String> e = new HashMap<>(Azurite.env());
            e.put("AWS_ACCESS_KEY_ID", s3.accessKey());
            e.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
            env = Map.copyOf(e);
            String s3Store = "s3://" + S3ProxyServer.BUCKET + "/e2e?endpoint=" + s3.endpoint()
                    + "&region=us-east-1&path-style=true";
            String sftpStore = sftp.uri("backups");
            String container = azurite.newContainer().getBlobContainerName();
            String azureStore = azurite.uri(container, "rke/prod");
            String rkePath = rke.executable().toString();
            String[] nodeFlags = {"--known-hosts", ssh.knownHosts().toString()};

            JsonNode backup = Cli.json(ok(concat(new String[] {"backup", "--config", "cluster.yml", "--store",
                s3Store, "--rke", rkePath, "--name", "e2e-1", "--json"}, nodeFlags)));
            String setId = backup.get("setId").asText();
            assertThat(backup.get("complete").asBoolean()).isTrue();

            JsonNode dry = Cli.json(ok("copy", "--from", s3Store, "--to", sftpStore, "--all", "--dry-run",
                    "--json"));
            assertThat(dry).extracting(n -> n.get("outcome").asText()).containsExactly("would_copy");
            assertThat(Files.exists(sftp.dataDir.resolve("backups").resolve(setId))).isFalse();

            for (String target : List.of(sftpStore, azureStore)) {
                JsonNode copied = Cli.json(ok("copy", "--from", s3Store, "--to", target, "--set", setId, "--json"));
                assertThat(copied.get(0).get("outcome").asText()).isEqualTo("copied");
                JsonNode again = Cli.json(ok("copy", "--from", s3Store, "--to", target, "--all", "--json"));
                assertThat(again.get(0).get("outcome").asText()).isEqualTo("already_present");

                JsonNode list = Cli.json(ok("list", "--store", target, "--json"));
                assertThat(list).extracting(n -> n.get("setId").asText()).containsExactly(setId);
                JsonNode verify = Cli.json(ok("verify", "--store", target, "--json"));
                assertThat(verify.get(0).get("ok").asBoolean()).isTrue();
                String dir = "fetched-" + (target.startsWith("sftp") ? "sftp" : "azure");
                ok("fetch", "--store", target, "--set", setId, "--dir", dir);
                try (Stream<Path> files = Files.walk(work.resolve(dir))) {
                    assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(
                            backup.get("artifacts").size());
                }
                JsonNode restore = Cli.json(ok(concat(new String[] {"prepare-restore", "--config", "cluster.yml",
                    "--store", target, "--set", setId, "--rke", rkePath, "--force", "--json"}, nodeFlags)));
                assertThat(restore.get("ready").asBoolean()).isTrue();
                assertThat(restore.get("sha256").asText()).isEqualTo(artifact(backup, "etcd-snapshot")
                        .get("sha256").asText());

                JsonNode own = Cli.json(ok(concat(new String[] {"backup", "--config", "cluster.yml", "--store",
                    target, "--rke", rkePath, "--no-snapshot", "--name", "e2e-1", "--json"}, nodeFlags)));
                assertThat(own.get("complete").asBoolean()).isTrue();
                assertThat(Cli.json(ok("list", "--store", target, "--json"))).hasSize(2);
            }
            // on the SFTP server the set is private to its owner
            Path setDir = sftp.dataDir.resolve("backups").resolve(setId);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(setDir)))
                    .isEqualTo("rwx------");

            Cli.Result same = run("copy", "--from", sftpStore, "--to", sftpStore, "--all");
            assertThat(same.exitCode()).isEqualTo(2);
            assertThat(same.stderr()).contains("same store");
            Cli.Result unknownHost = run("list", "--store", "sftp://root@127.0.0.1:" + sftp.port() + "/srv?known-hosts="
                    + tmp.resolve("none") + "&identity=" + sftp.key);
            assertThat(unknownHost.exitCode()).isNotZero();
            assertThat(unknownHost.stderr()).startsWith("error: ").contains("known-hosts file");
            Cli.Result noContainer = run("list", "--store", azurite.uri("missing-container", ""));
            assertThat(noContainer.exitCode()).isNotZero();
            assertThat(noContainer.stderr()).contains("container 'missing-container' does not exist");

            for (Cli.Result r : runs) {
                assertThat(r.all()).doesNotContain(Azurite.KEY).doesNotContain(s3.secretKey())
                        .doesNotContain("\tat ");
            }
        }
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
}
