package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command with bad input, through the real jar: exit code 2, an {@code error:} line on stderr, nothing on
 * stdout, no stack trace; and no secret from the environment or the cluster config in any output.
 */
@Timeout(300)
class BadInputIT {
    static final String ENV_SECRET = "envSecret" + UUID.randomUUID().toString().replace("-", "");
    static final String CONFIG_SECRET = "cfgSecret" + UUID.randomUUID().toString().replace("-", "");
    static final String REGISTRY_PASSWORD = "regPass" + UUID.randomUUID().toString().replace("-", "");
    static final String SECRETS_YAML = """
            private_registries:
              - url: registry.example.com
                user: puller
                password: %s
            services:
              etcd:
                backup_config:
                  interval_hours: 6
                  retention: 12
                  s3backupconfig:
                    bucket_name: backups
                    endpoint: s3.example.com
                    access_key: AKIACONFIGKEY
                    secret_key: %s
            """.formatted(REGISTRY_PASSWORD, CONFIG_SECRET);
    static final String SET_ID = "20260101T000000Z-0123abcd";

    @TempDir
    Path tmp;
    Map<String, String> env;
    Path fakeRke;

    @BeforeEach
    void files() throws Exception {
        env = Map.of("AWS_ACCESS_KEY_ID", "AKIAENVKEY", "AWS_SECRET_ACCESS_KEY", ENV_SECRET);
        fakeRke = tmp.resolve("rke");
        Files.writeString(fakeRke, """
                #!/bin/sh
                if [ "$1" = "--version" ]; then echo "rke version v1.6.3"; exit 0; fi
                echo "this rke must not run: $*" >&2
                exit 97
                """);
        Files.setPosixFilePermissions(fakeRke, PosixFilePermissions.fromString("rwxr-xr-x"));
        String node = "  - address: 10.0.0.1\n    user: rancher\n    role: [controlplane, etcd, worker]\n";
        write("good.yml", "nodes:\n" + node + SECRETS_YAML);
        write("no-etcd.yml", "nodes:\n  - address: 10.0.0.1\n    user: rancher\n    role: [controlplane, worker]\n"
                + SECRETS_YAML);
        write("no-address.yml", "nodes:\n" + node + "  - internal_address: 10.0.0.2\n    user: rancher\n"
                + "    role: [etcd]\n" + SECRETS_YAML);
        write("no-user.yml", "nodes:\n  - address: 10.0.0.1\n    role: [etcd]\n" + SECRETS_YAML);
        write("malformed.yml", SECRETS_YAML + "nodes: [ {address: 10.0.0.1, user: x, role: [etcd] }\n");
        write("empty.yml", "");
        Files.write(tmp.resolve("latin1.yml"), ("nodes:\n" + node + "cluster_name: caf\u00e9\n" + SECRETS_YAML)
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.createDirectories(tmp.resolve("directory.yml"));
        Files.createDirectories(tmp.resolve("store"));
    }

    private void write(String name, String text) throws Exception {
        Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void everyCommandRejectsBadInputWithExitTwoAndOneErrorLine() throws Exception {
        List<List<String>> cases = new ArrayList<>();
        // Each kind of bad input reaches every command that takes it, the variants of a kind rotating over the
        // commands: every command and every variant is covered without running the full product (start-up time).
        List<String> configs = List.of("missing.yml", "directory.yml", "empty.yml", "malformed.yml", "latin1.yml",
                "no-etcd.yml", "no-address.yml", "no-user.yml");
        for (int i = 0; i < 2 * configs.size(); i++) {
            String config = configs.get(i % configs.size());
            cases.add(switch ((i + i / configs.size()) % 4) {
                case 0 -> List.of("inspect", "--config", config, "--rke-version", "v1.6.3", "--json");
                case 1 -> List.of("snapshot", "--config", config, "--rke", fakeRke.toString(), "--json");
                case 2 -> List.of("backup", "--config", config, "--rke-version", "v1.6.3", "--store", "store",
                        "--no-snapshot", "--name", "n1", "--local");
                default -> List.of("prepare-restore", "--config", config, "--rke-version", "v1.6.3", "--store",
                        "store", "--set", SET_ID, "--local", "--dry-run");
            });
        }
        // invalid snapshot names
        List<String> names = List.of("../x", "dir/x", "x.zip", "..", "", "-x", "tab\tname");
        for (int i = 0; i < names.size(); i++) {
            cases.add(i % 2 == 0
                    ? List.of("snapshot", "--config", "good.yml", "--rke", fakeRke.toString(), "--name=" + names.get(i))
                    : List.of("backup", "--config", "good.yml", "--rke-version", "v1.6.3", "--store", "store",
                            "--no-snapshot", "--name=" + names.get(i), "--local"));
        }
        cases.add(List.of("backup", "--config", "good.yml", "--rke-version", "v1.6.3", "--store", "store",
                "--no-snapshot", "--local"));
        // unknown or malformed store URIs
        List<String> stores = List.of("gopher://host/x", "s3://", "s3://backups?no-such-option=1",
                "s3://backups?endpoint=http://127.0.0.1:9&path-style=maybe");
        for (int i = 0; i < 6; i++) {
            String store = stores.get(i % stores.size());
            cases.add(switch (i) {
                case 0 -> List.of("list", "--store", store);
                case 1 -> List.of("verify", "--store", store, "--json");
                case 2 -> List.of("prune", "--store", store, "--keep-last", "1");
                case 3 -> List.of("fetch", "--store", store, "--set", SET_ID, "--dir", "out");
                case 4 -> List.of("backup", "--config", "good.yml", "--rke-version", "v1.6.3", "--store", store,
                        "--no-snapshot", "--name", "n1", "--local");
                default -> List.of("prepare-restore", "--config", "good.yml", "--rke-version", "v1.6.3", "--store",
                        store, "--set", SET_ID, "--local");
            });
        }
        // unknown flags
        for (String cmd : List.of("inspect", "snapshot", "backup", "list", "verify", "prune", "fetch",
                "prepare-restore")) {
            cases.add(List.of(cmd, "--no-such-flag"));
        }
        // bad flag values and missing required flags
        cases.add(List.of("snapshot", "--config", "good.yml", "--rke", fakeRke.toString(), "--timeout", "5x"));
        cases.add(List.of("backup", "--config", "good.yml", "--rke-version", "v1.6.3", "--store", "store",
                "--no-snapshot", "--name", "n1", "--local", "--keep-last", "abc"));
        cases.add(List.of("backup", "--config", "good.yml", "--rke-version", "v1.6.3", "--store", "store",
                "--no-snapshot", "--name", "n1", "--local", "--keep-last", "-1"));
        cases.add(List.of("backup", "--config", "good.yml", "--rke-version", "v1.6.3", "--store", "store",
                "--no-snapshot", "--name", "n1", "--local", "--keep-within", "3y"));
        cases.add(List.of("prune", "--store", "store", "--keep-daily", "-1"));
        cases.add(List.of("prune", "--store", "store", "--keep-within", "seven days"));
        cases.add(List.of("prune", "--store", "store", "--keep-last", "1", "--clean-interrupted", "soon"));
        cases.add(List.of("verify", "--store", "store", "--set", "../../etc"));
        cases.add(List.of("verify", "--store", "store", "--read-data-subset", "0%"));
        cases.add(List.of("verify", "--store", "store", "--read-data-subset", "3/2"));
        cases.add(List.of("prepare-restore", "--config", "good.yml", "--rke-version", "v1.6.3", "--store",
                "store", "--set", "latest", "--local"));
        cases.add(List.of("list"));
        cases.add(List.of("inspect"));
        cases.add(List.of("list", "--store"));
        // bad --rke-version, and no version where one is needed
        List<String> versions = List.of("1.6.3", "v1.6", "latest", "v1.6.3 ", "V1.6.3");
        for (int i = 0; i < versions.size(); i++) {
            cases.add(i % 2 == 0 ? List.of("inspect", "--config", "good.yml", "--rke-version", versions.get(i))
                    : List.of("backup", "--config", "good.yml", "--rke-version", versions.get(i), "--store", "store",
                            "--no-snapshot", "--name", "n1", "--local"));
        }
        cases.add(List.of("snapshot", "--config", "good.yml", "--rke", fakeRke.toString(), "--rke-version", "vX"));
        cases.add(List.of("prepare-restore", "--config", "good.yml", "--rke-version", "v1.6", "--store", "store",
                "--set", SET_ID, "--local"));
        cases.add(List.of("backup", "--config", "good.yml", "--store", "store", "--no-snapshot", "--name", "n1",
                "--local"));
        cases.add(List.of("snapshot", "--config", "good.yml", "--rke", tmp.resolve("no-such-rke").toString()));

        SoftAssertions soft = new SoftAssertions();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Cli.Result>> results = new ArrayList<>();
            for (List<String> c : cases) {
                results.add(pool.submit(() -> Cli.run(tmp, env, c.toArray(String[]::new))));
            }
            for (int i = 0; i < cases.size(); i++) {
                Cli.Result r = results.get(i).get();
                String label = String.join(" ", cases.get(i)) + "\n--- stdout:\n" + r.stdout() + "--- stderr:\n"
                        + r.stderr();
                soft.assertThat(r.exitCode()).as(label).isEqualTo(2);
                soft.assertThat(r.stderr()).as(label).startsWith("error: ");
                soft.assertThat(r.stdout()).as(label).isEmpty();
                soft.assertThat(r.all()).as(label).doesNotContain("\tat ").doesNotContain("Exception");
                assertNoSecret(soft, r, label);
            }
        } finally {
            pool.shutdownNow();
        }
        soft.assertAll();
        assertThat(tmp.resolve("store")).isEmptyDirectory();
    }

    @Test
    void verboseShowsTheStackTraceThatIsOtherwiseHidden() throws Exception {
        Cli.Result r = Cli.run(tmp, env, "inspect", "--config", "malformed.yml", "--verbose");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("error: ").contains("\tat ");
        assertThat(r.all()).doesNotContain(ENV_SECRET).doesNotContain(CONFIG_SECRET)
                .doesNotContain(REGISTRY_PASSWORD);
    }

    /**
     * {@code --rke} naming a program that is not rke is a bad flag value (exit 2), like a missing file is; today it
     * exits 1.
     */
    @Test
    void rkeThatIsNotRkeIsBadInput() throws Exception {
        Cli.Result r = Cli.run(tmp, env, "snapshot", "--config", "good.yml", "--rke", "/bin/true");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("error: ").contains("--rke");
    }

    static void assertNoSecret(SoftAssertions soft, Cli.Result r, String label) {
        soft.assertThat(r.all()).as(label).doesNotContain(ENV_SECRET).doesNotContain(CONFIG_SECRET)
                .doesNotContain(REGISTRY_PASSWORD);
    }
}
