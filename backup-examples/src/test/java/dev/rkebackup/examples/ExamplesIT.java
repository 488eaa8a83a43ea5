package dev.rkebackup.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.examples.cli.Cli;
import dev.rkebackup.examples.cli.LoopbackSshNodes;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import dev.rkebackup.s3.support.S3ProxyServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example programs, run from the jar as their Javadoc says, against real components: etcd, the rke stand-in,
 * an SSH server per etcd node and an S3-compatible server.
 */
@Timeout(180)
class ExamplesIT {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

    @TempDir
    Path tmp;
    RkeStandin rke;
    LoopbackSshNodes ssh;
    Path work;
    Map<String, String> env;

    @BeforeEach
    void cluster() throws Exception {
        RkeStandin.Builder b = RkeStandin.builder("v1.6.3", tmp.resolve("standin")).etcd(ETCD);
        HOSTS.forEach(h -> b.node(h, 0));
        rke = b.build();
        Map<String, Path> roots = new LinkedHashMap<>();
        HOSTS.forEach(h -> roots.put(h, rke.nodeRoot(h)));
        ssh = LoopbackSshNodes.start(tmp.resolve("ssh"), roots);
        work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("cluster.yml"), "cluster_name: examples\n" + ssh.nodesYaml());
        Files.writeString(work.resolve("cluster.rkestate"), "{\"desiredState\": {}, \"currentState\": {}}\n");
        env = Map.of("RKE", rke.executable().toString(), "KNOWN_HOSTS", ssh.knownHosts().toString());
    }

    @AfterEach
    void stop() {
        ssh.close();
    }

    @Test
    void oneTimeS3BackupThenRestorePreparationPutsTheSameSnapshotOnEveryNode() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.http(tmp.resolve("s3"))) {
            Map<String, String> s3env = new LinkedHashMap<>(env);
            s3env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
            s3env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
            Cli.Result backup = Cli.runMain(work, s3env, OneTimeS3Backup.class.getName(), "cluster.yml",
                    S3ProxyServer.BUCKET, s3.endpoint().toString());
            assertThat(backup.exitCode()).as(backup.all()).isZero();
            assertThat(backup.stdout()).contains(": complete, verified").contains("etcd-snapshot");
            assertThat(s3.basedir().resolve(S3ProxyServer.BUCKET).resolve("examples")).isDirectory();

            // disaster: every node lost its snapshots
            for (String h : HOSTS) {
                try (Stream<Path> files = Files.list(rke.snapshotDir(h))) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Files.delete(f);
                    }
                }
            }
            String store = "s3://" + S3ProxyServer.BUCKET + "/examples?endpoint=" + s3.endpoint()
                    + "&region=us-east-1&path-style=true";
            Cli.Result dry = Cli.runMain(work, s3env, PrepareRestore.class.getName(), "cluster.yml", store);
            assertThat(dry.exitCode()).as(dry.all()).isZero();
            assertThat(dry.stdout()).contains("dry run: nothing changed");
            assertThat(rke.snapshotDir(HOSTS.get(0))).isEmptyDirectory();

            Cli.Result restore = Cli.runMain(work, s3env, PrepareRestore.class.getName(), "cluster.yml", store,
                    "latest", "--execute");
            assertThat(restore.exitCode()).as(restore.all()).isZero();
            assertThat(restore.stdout()).contains(rke.executable() + " etcd snapshot-restore --config ");
            String sha = null;
            for (String h : HOSTS) {
                List<Path> snaps;
                try (Stream<Path> files = Files.list(rke.snapshotDir(h))) {
                    snaps = files.filter(f -> f.toString().endsWith(".zip")).toList();
                }
                assertThat(snaps).as(h).hasSize(1);
                sha = sha == null ? sha256(snaps.get(0)) : sha;
                assertThat(sha256(snaps.get(0))).as(h).isEqualTo(sha);
            }
            assertThat(restore.stdout()).contains("with sha256 " + sha);
            assertThat(backup.all() + dry.all() + restore.all()).doesNotContain(s3.secretKey());
        }
    }

    @Test
    void recurringBackupReportsAFailedRunAndKeepsGoing() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts_later");
        Map<String, String> laterEnv = new LinkedHashMap<>(env);
        laterEnv.put("KNOWN_HOSTS", knownHosts.toString());
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = Cli.javaProcess(work, laterEnv, List.of("-cp", Cli.jar().toString(),
                RecurringBackup.class.getName(), "cluster.yml", tmp.resolve("store").toString(), "PT4S", "2"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(err) || !Files.readString(err).contains("run 1 FAILED")) {
                assertThat(p.isAlive()).as("the loop ended early: " + Files.readString(err)).isTrue();
                assertThat(System.nanoTime()).as("no failed first run reported").isLessThan(deadline);
                Thread.sleep(100);
            }
            // the operator trusts the nodes' host keys; the next run must succeed without a restart
            Files.copy(ssh.knownHosts(), knownHosts);
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stdout + stderr).isEqualTo(1);
        assertThat(stderr).contains("run 1 FAILED (1 of 1 runs failed)");
        assertThat(stdout).contains("run 2 OK: set ").contains("2 runs, 1 failed");
    }

    @Test
    void examplesReportFailuresInOneLineWithoutAStackTrace() throws Exception {
        Cli.Result backup = Cli.runMain(work, env, OneTimeS3Backup.class.getName(), "missing.yml", "backups");
        assertThat(backup.exitCode()).isEqualTo(1);
        assertThat(backup.stderr()).startsWith("backup failed: ").contains("missing.yml").doesNotContain("\tat ");
        Cli.Result restore = Cli.runMain(work, env, PrepareRestore.class.getName(), "cluster.yml",
                tmp.resolve("empty-store").toString());
        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.stderr()).contains("restore preparation failed: no complete backup set")
                .doesNotContain("\tat ");
        Cli.Result usage = Cli.runMain(work, env, RecurringBackup.class.getName());
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.stderr()).startsWith("usage: RecurringBackup");
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
