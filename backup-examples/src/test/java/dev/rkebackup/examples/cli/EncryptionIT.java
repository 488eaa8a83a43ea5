package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted repositories through the real jar, with the real {@code age} CLI: init with a password file and an age
 * break-glass recipient, back up the sample cluster, then everything an operator and an attacker with write access
 * to the store would try. The password and the age identity never appear in any output.
 */
@Timeout(300)
class EncryptionIT {
    static final String PASSWORD = "pw-Zq8v-correct-horse";

    @TempDir
    Path tmp;

    final List<Cli.Result> runs = new ArrayList<>();
    Path work;
    Path store;

    Cli.Result run(Map<String, String> env, String... args) throws Exception {
        Cli.Result r = Cli.run(work, env, args);
        runs.add(r);
        return r;
    }

    Cli.Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    String[] backupArgs(String storeUri, String... extra) {
        Path sample = Cli.projectRoot().resolve("samples/cluster");
        List<String> a = new ArrayList<>(List.of("backup", "--config", sample.resolve("rancher-cluster.yml").toString(),
                "--rke-version", "v1.6.3", "--local", "--snapshot-dir", sample.resolve("etcd-snapshots").toString(),
                "--no-snapshot", "--name", "demo-snapshot", "--store", storeUri, "--json"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static String age(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void encryptedRepositoryFromInitToRecoveryWithOnlyTheAgeIdentity() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
        store = tmp.resolve("store");
        Path pw = Files.writeString(work.resolve("pw"), PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Path identity = work.resolve("break-glass.txt");
        age("age-keygen", "-o", identity.toString());
        String recipient = age("age-keygen", "-y", identity.toString()).trim();
        String identityText = Files.readString(identity);

        // init: a password and an age recipient; a second init is refused
        Cli.Result init = run("init", "--store", store.toString(), "--password-file", "pw", "--age-recipient",
                recipient, "--json");
        assertThat(init.exitCode()).as(init.all()).isZero();
        assertThat(Cli.json(init).get("keys")).hasSize(2);
        assertThat(run("init", "--store", store.toString(), "--password-file", "pw").exitCode()).isEqualTo(2);

        // backup with the password file; the JSON says encrypted
        Cli.Result backup = run(backupArgs(store.toString(), "--password-file", "pw"));
        assertThat(backup.exitCode()).as(backup.all()).isZero();
        JsonNode b = Cli.json(backup);
        assertThat(b.get("encrypted").asBoolean()).isTrue();
        assertThat(b.get("verified").asBoolean()).isTrue();
        assertThat(backup.stderr()).doesNotContain("not encrypted");
        String setId = b.get("setId").asText();

        // the three password sources; no key at all names them; a wrong one is bad input
        assertThat(run(Map.of("RKE_BACKUP_PASSWORD_FILE", pw.toString()), "list", "--store", store.toString())
                .stdout()).contains(setId, "encrypted, authenticated");
        Cli.Result viaEnv = run(Map.of("RKE_BACKUP_PASSWORD", PASSWORD), "verify", "--store", store.toString(),
                "--json");
        assertThat(viaEnv.exitCode()).as(viaEnv.all()).isZero();
        assertThat(Cli.json(viaEnv).get(0).get("authenticated").asBoolean()).isTrue();
        Cli.Result none = run("list", "--store", store.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr()).startsWith("error: ").contains("--password-file F", "RKE_BACKUP_PASSWORD_FILE",
                "RKE_BACKUP_PASSWORD", "--age-identity F");
        Path wrong = Files.writeString(work.resolve("wrong"), "not it\n");
        Cli.Result bad = run("list", "--store", store.toString(), "--password-file", wrong.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("wrong password").contains("warning: password file")
                .contains("chmod 600");
        Cli.Result missing = run("verify", "--store", store.toString(), "--password-file", "no-such-file");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("no-such-file").contains("does not exist").doesNotContain("Exception");
        // writing plaintext into the encrypted repository is impossible
        Cli.Result plainWrite = run(backupArgs(store.toString()));
        assertThat(plainWrite.exitCode()).isEqualTo(2);
        assertThat(plainWrite.stderr()).contains("encrypted repository");

        // the real age CLI decrypts the break-glass key object
        Path ageKey;
        try (Stream<Path> keys = Files.list(store.resolve("keys"))) {
            ageKey = keys.filter(p -> p.toString().endsWith(".age")).findFirst().orElseThrow();
        }
        JsonNode master = Cli.json(new Cli.Result(0, age("age", "-d", "-i", identity.toString(), ageKey.toString()),
                ""));
        assertThat(master.get("format").asText()).isEqualTo("rke-backup-master-key");
        assertThat(master.get("repositoryId").asText()).isEqualTo(Cli.json(init).get("repositoryId").asText());

        // with read access, nothing in the store shows config text, snapshot bytes, the state file or a key
        Path sample = Cli.projectRoot().resolve("samples/cluster");
        byte[] zip = Files.readAllBytes(sample.resolve("etcd-snapshots/demo-snapshot.zip"));
        String zipMiddle = new String(zip, zip.length / 2, 48, StandardCharsets.ISO_8859_1);
        try (Stream<Path> all = Files.walk(store)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(text).as(f.toString()).doesNotContain("rancher-demo", "192.0.2.11", "demo-snapshot",
                        "desiredState", PASSWORD, master.get("masterKey").asText(), zipMiddle);
            }
        }

        // full recovery with only the age identity: fetch decrypts into a directory
        Cli.Result fetch = run("fetch", "--store", store.toString(), "--age-identity", identity.toString(), "--set",
                setId, "--dir", "restored");
        assertThat(fetch.exitCode()).as(fetch.all()).isZero();
        assertThat(work.resolve("restored/snapshots/demo-snapshot.zip")).hasBinaryContent(zip);
        assertThat(work.resolve("restored/rancher-cluster.yml")).hasSameTextualContentAs(
                sample.resolve("rancher-cluster.yml"));

        // prepare-restore with the age identity decrypts, checks the structure, places the snapshot
        Path restoreDir = Files.createDirectories(work.resolve("node-snapshots"));
        Path restoreConfig = work.resolve("cluster");
        Files.createDirectories(restoreConfig);
        Path cfg = Files.copy(sample.resolve("rancher-cluster.yml"), restoreConfig.resolve("rancher-cluster.yml"));
        Cli.Result prep = run("prepare-restore", "--config", cfg.toString(), "--rke-version", "v1.6.3", "--local",
                "--snapshot-dir", restoreDir.toString(), "--store", store.toString(), "--age-identity",
                identity.toString(), "--set", setId, "--json");
        assertThat(prep.exitCode()).as(prep.all()).isZero();
        assertThat(restoreDir.resolve("demo-snapshot.zip")).hasBinaryContent(zip);
        assertThat(Cli.json(prep).get("steps").toString()).contains("structure", "authentication tag");

        // key management: passwd re-wraps only; the last key cannot be removed
        Path pw2 = Files.writeString(work.resolve("pw2"), "second-" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pw2, PosixFilePermissions.fromString("rw-------"));
        byte[] snapshotObject = Files.readAllBytes(store.resolve(setId).resolve("snapshots/demo-snapshot.zip"));
        assertThat(run("key", "passwd", "--store", store.toString(), "--password-file", "pw", "--new-password-file",
                "pw2").exitCode()).isZero();
        assertThat(run("list", "--store", store.toString(), "--password-file", "pw").exitCode()).isEqualTo(2);
        assertThat(run("verify", "--store", store.toString(), "--password-file", "pw2").exitCode()).isZero();
        assertThat(store.resolve(setId).resolve("snapshots/demo-snapshot.zip")).hasBinaryContent(snapshotObject);
        JsonNode keys = Cli.json(run("key", "list", "--store", store.toString(), "--json"));
        assertThat(keys).hasSize(2);
        String passwordKey = null;
        String ageKeyId = null;
        for (JsonNode k : keys) {
            if (k.get("type").asText().equals("password")) {
                passwordKey = k.get("id").asText();
            } else {
                ageKeyId = k.get("id").asText();
            }
        }
        assertThat(run("key", "remove", "--store", store.toString(), "--age-identity", identity.toString(),
                passwordKey).exitCode()).isZero();
        Cli.Result last = run("key", "remove", "--store", store.toString(), "--age-identity", identity.toString(),
                ageKeyId);
        assertThat(last.exitCode()).isEqualTo(2);
        assertThat(last.stderr()).contains("last usable key");
        Cli.Result foreign = run("list", "--store", store.toString(), "--age-identity", writeOtherIdentity());
        assertThat(foreign.exitCode()).isEqualTo(2);
        assertThat(foreign.stderr()).contains("matches no key");

        // an attacker flips one byte of the stored snapshot: verify names it (exit 1), nothing is placed
        Path obj = store.resolve(setId).resolve("snapshots/demo-snapshot.zip");
        byte[] ct = Files.readAllBytes(obj);
        ct[ct.length / 2] ^= 0x40;
        Files.write(obj, ct);
        Cli.Result damaged = run("verify", "--store", store.toString(), "--age-identity", identity.toString(),
                "--json");
        assertThat(damaged.exitCode()).isEqualTo(1);
        JsonNode problem = Cli.json(damaged).get(0).get("problems").get(0);
        assertThat(problem.get("path").asText()).isEqualTo("snapshots/demo-snapshot.zip");
        assertThat(problem.get("problem").asText()).isEqualTo("authentication");
        Path fresh = Files.createDirectories(work.resolve("node2"));
        Cli.Result refused = run("prepare-restore", "--config", cfg.toString(), "--rke-version", "v1.6.3", "--local",
                "--snapshot-dir", fresh.toString(), "--store", store.toString(), "--age-identity",
                identity.toString(), "--set", setId, "--force");
        assertThat(refused.exitCode()).isEqualTo(1);
        try (Stream<Path> placed = Files.list(fresh)) {
            assertThat(placed).isEmpty();
        }

        for (Cli.Result r : runs) {
            assertThat(r.all()).doesNotContain(PASSWORD, "AGE-SECRET-KEY-1", identityText.trim(),
                    master.get("masterKey").asText()).doesNotContain("\tat ");
        }
    }

    String writeOtherIdentity() throws Exception {
        Path other = work.resolve("other.txt");
        age("age-keygen", "-o", other.toString());
        return other.toString();
    }

    @Test
    void plaintextStoresKeepWorkingHonestlyLabelled() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
        store = tmp.resolve("plain");
        Cli.Result backup = run(backupArgs(store.toString()));
        assertThat(backup.exitCode()).as(backup.all()).isZero();
        assertThat(Cli.json(backup).get("encrypted").asBoolean()).isFalse();
        assertThat(Cli.json(backup).get("protection").asText()).isEqualTo("not encrypted, not authenticated");
        assertThat(backup.stderr().split("not encrypted, not authenticated", -1)).as("warned once").hasSize(2);
        assertThat(run("list", "--store", store.toString()).stdout()).contains("not encrypted, not authenticated");
        Cli.Result verify = run("verify", "--store", store.toString(), "--json");
        assertThat(verify.exitCode()).isZero();
        assertThat(Cli.json(verify).get(0).get("protection").asText()).isEqualTo("not encrypted, not authenticated");
        Map<String, String> env = new HashMap<>();
        env.put("RKE_BACKUP_PASSWORD", "x");
        Cli.Result keyForPlain = run(env, "list", "--store", store.toString());
        assertThat(keyForPlain.exitCode()).isEqualTo(2);
        assertThat(keyForPlain.stderr()).contains("not an encrypted repository");
        Cli.Result initNonEmpty = run(env, "init", "--store", store.toString());
        assertThat(initNonEmpty.exitCode()).isEqualTo(2);
        assertThat(initNonEmpty.stderr()).contains("not empty");
        Cli.Result noKey = run("init", "--store", tmp.resolve("new").toString());
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.stderr()).contains("--password-file F", "RKE_BACKUP_PASSWORD", "--age-recipient");
    }
}
