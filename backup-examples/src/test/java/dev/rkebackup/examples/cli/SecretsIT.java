package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that succeed while secrets are around (S3 keys in the environment, S3 keys and a registry password in
 * cluster.yml, the S3 secret in the state file) never print them, and never hand them to rke on its command line.
 */
@Timeout(180)
class SecretsIT {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    @Test
    void noSecretInAnyOutputOrRkeArgv() throws Exception {
        RkeStandin rke = RkeStandin.builder("v1.6.3", tmp.resolve("standin")).etcd(ETCD).node("10.0.0.1", 0)
                .s3Credentials("AKIAENVKEY", Secret.of(BadInputIT.ENV_SECRET)).bucket("backups").build();
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("cluster.yml"), rke.clusterYaml(BadInputIT.SECRETS_YAML));
        Files.writeString(work.resolve("cluster.rkestate"), "{\"desiredState\": {\"rkeConfig\": {\"services\": "
                + "{\"etcd\": {\"backupConfig\": {\"s3BackupConfig\": {\"secretKey\": \"" + BadInputIT.CONFIG_SECRET
                + "\"}}}}}}, \"currentState\": {}}\n");
        String token = "tok" + BadInputIT.ENV_SECRET;
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAENVKEY",
                "AWS_SECRET_ACCESS_KEY", BadInputIT.ENV_SECRET, "AWS_SESSION_TOKEN", token,
                "RKE_BACKUP_PASSWORD", token, "AZURE_STORAGE_KEY", token, "GITHUB_TOKEN", token,
                "HTTPS_PROXY", "http://user:" + token + "@127.0.0.1:3128");
        String rkePath = rke.executable().toString();
        String snapshots = rke.snapshotDir("10.0.0.1").toString();
        List<String[]> commands = List.of(
                new String[] {"inspect", "--config", "cluster.yml", "--rke", rkePath},
                new String[] {"inspect", "--config", "cluster.yml", "--rke-version", "v1.6.3", "--json"},
                new String[] {"snapshot", "--config", "cluster.yml", "--rke", rkePath, "--name", "s1", "--s3"},
                new String[] {"backup", "--config", "cluster.yml", "--rke-version", "v1.6.3", "--store", "store",
                    "--no-snapshot", "--name", "s1", "--local", "--snapshot-dir", snapshots},
                new String[] {"backup", "--config", "cluster.yml", "--rke-version", "v1.6.3", "--store", "store",
                    "--no-snapshot", "--name", "s1", "--local", "--snapshot-dir", snapshots, "--json", "--verbose"},
                new String[] {"list", "--store", "store"},
                new String[] {"verify", "--store", "store", "--verbose"});
        List<Cli.Result> results = new ArrayList<>();
        // the store is an encrypted repository whose password comes from RKE_BACKUP_PASSWORD (a key given for a
        // plaintext store is refused), so the password is in play in every store command below
        Cli.Result init = Cli.run(work, env, "init", "--store", "store");
        assertThat(init.exitCode()).as(init.all()).isZero();
        results.add(init);
        for (String[] c : commands) {
            Cli.Result r = Cli.run(work, env, c);
            assertThat(r.exitCode()).as(String.join(" ", c) + "\n" + r.all()).isZero();
            results.add(r);
        }
        JsonNode backup = Cli.json(results.get(5));
        Cli.Result restore = Cli.run(work, env, "prepare-restore", "--config", "cluster.yml", "--rke-version",
                "v1.6.3", "--store", "store", "--set", backup.get("setId").asText(), "--local", "--snapshot-dir",
                snapshots, "--dry-run", "--verbose");
        assertThat(restore.exitCode()).as(restore.all()).isZero();
        results.add(restore);
        assertThat(rke.s3Object("backups", "s1.zip")).as("the --s3 upload happened").isRegularFile();
        for (Cli.Result r : results) {
            assertThat(r.all()).doesNotContain(BadInputIT.ENV_SECRET).doesNotContain(BadInputIT.CONFIG_SECRET)
                    .doesNotContain(BadInputIT.REGISTRY_PASSWORD);
        }
        Cli.Result up = Cli.run(work, env, "enable-recurring", "--config", "cluster.yml", "--rke", rkePath,
                "--interval-hours", "6", "--apply");
        assertThat(up.exitCode()).as(up.all()).isZero();
        assertThat(up.all()).doesNotContain(BadInputIT.ENV_SECRET).doesNotContain(token);
        // every rke run: --version, snapshot-save (--s3), up
        assertThat(rke.invocations()).extracting(i -> i.text("command"))
                .contains("--version", "etcd snapshot-save", "up");
        for (RkeStandin.Invocation i : rke.invocations()) {
            assertThat(String.join(" ", i.argv())).doesNotContain(BadInputIT.ENV_SECRET)
                    .doesNotContain(BadInputIT.CONFIG_SECRET).doesNotContain(BadInputIT.REGISTRY_PASSWORD);
            assertThat(i.env().keySet()).as(i.text("command")).doesNotContain("AWS_ACCESS_KEY_ID",
                    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "RKE_BACKUP_PASSWORD", "AZURE_STORAGE_KEY",
                    "GITHUB_TOKEN", "HTTPS_PROXY");
            assertThat(String.join("\n", i.env().values())).as(i.text("command"))
                    .doesNotContain(BadInputIT.ENV_SECRET).doesNotContain(BadInputIT.CONFIG_SECRET)
                    .doesNotContain("AKIAENVKEY");
        }
    }
}
