package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeSetInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** list, verify, prune and fetch through the real jar on a filesystem store. */
@Timeout(300)
class StoreCommandsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    Path storeDir;
    List<String> ids = new ArrayList<>();

    @BeforeEach
    void threeSets() {
        storeDir = tmp.resolve("store");
        BackupRepository repo = BackupRepository.create(FileSystemObjectStore.create(storeDir));
        for (int i = 0; i < 3; i++) {
            try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod").withLabel(RkeSetInfo.LABEL_RKE_VERSION, "v1.6.3")
                    .withLabel(SetMetadata.LABEL_SNAPSHOT_NAME, "snap-" + i))) {
                w.add("snapshots/snap-" + i + ".zip", RkeArtifacts.ETCD_SNAPSHOT, ArtifactSource.node("10.0.0.1",
                        "/opt/rke/etcd-snapshots/snap-" + i + ".zip"), ("snapshot " + i).getBytes());
                w.add("cluster.yml", RkeArtifacts.CLUSTER_CONFIG, ArtifactSource.local("cluster.yml"),
                        "nodes: []\n".getBytes());
                ids.add(w.commit().setId());
            }
        }
    }

    @Test
    void listHasAHeaderUnknownSetIsBadInputAndLatestIsTheNewestCompleteSet() throws Exception {
        Cli.Result list = Cli.run(tmp, "list", "--store", storeDir.toString());
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        List<String> lines = list.stdout().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("SET ")).findFirst().orElseThrow());
        assertThat(lines.get(header)).contains("CLUSTER", "SNAPSHOT", "CREATED", "ARTIFACTS", "BYTES", "STATUS");
        assertThat(lines.get(header + 1)).startsWith(ids.get(0));
        Cli.Result unknown = Cli.run(tmp, "verify", "--store", storeDir.toString(), "--set",
                "20990101T000000Z-00000000");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("--set 20990101T000000Z-00000000: there is no such backup set")
                .contains("rke-backup list");
        Cli.Result latest = Cli.run(tmp, "fetch", "--store", storeDir.toString(), "--set", "latest", "--dir", "o");
        assertThat(latest.exitCode()).as(latest.all()).isZero();
        assertThat(latest.stdout()).contains("of set " + ids.get(2));
        assertThat(Files.readString(tmp.resolve("o/snapshots/snap-2.zip"))).isEqualTo("snapshot 2");
    }

    @Test
    void listVerifyFetchAndPruneWorkAndSpeakJson() throws Exception {
        Cli.Result list = Cli.run(tmp, "list", "--store", storeDir.toString(), "--json");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        JsonNode sets = JSON.readTree(list.stdout());
        assertThat(sets).hasSize(3);
        assertThat(sets.get(0).get("setId").asText()).isEqualTo(ids.get(0));
        assertThat(sets.get(0).get("snapshotName").asText()).isEqualTo("snap-0");
        assertThat(sets.get(0).get("artifactCount").asInt()).isEqualTo(2);
        assertThat(sets.get(0).get("totalBytes").asLong()).isEqualTo(10 + 10);
        assertThat(sets.get(0).get("complete").asBoolean()).isTrue();
        assertThat(sets.get(0).get("rkeVersion").asText()).isEqualTo("v1.6.3");

        Cli.Result verify = Cli.run(tmp, "verify", "--store", "file://" + storeDir, "--json");
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(JSON.readTree(verify.stdout())).allSatisfy(n -> assertThat(n.get("ok").asBoolean()).isTrue());

        Path victim = storeDir.resolve(ids.get(1)).resolve("snapshots/snap-1.zip");
        byte[] b = Files.readAllBytes(victim);
        b[0] ^= 1;
        Files.write(victim, b);
        Cli.Result damaged = Cli.run(tmp, "verify", "--store", storeDir.toString(), "--json");
        assertThat(damaged.exitCode()).isEqualTo(1);
        JsonNode bad = JSON.readTree(damaged.stdout()).get(1);
        assertThat(bad.get("ok").asBoolean()).isFalse();
        assertThat(bad.get("problems").get(0).get("path").asText()).isEqualTo("snapshots/snap-1.zip");
        assertThat(bad.get("problems").get(0).get("problem").asText()).isEqualTo("checksum");
        assertThat(damaged.stderr()).startsWith("error: ");

        Cli.Result fetch = Cli.run(tmp, "fetch", "--store", storeDir.toString(), "--set", ids.get(2),
                "--dir", "out");
        assertThat(fetch.exitCode()).as(fetch.stderr()).isZero();
        Path fetched = tmp.resolve("out/snapshots/snap-2.zip");
        assertThat(Files.readString(fetched)).isEqualTo("snapshot 2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fetched))).isEqualTo("rw-------");
        Cli.Result fetchBad = Cli.run(tmp, "fetch", "--store", storeDir.toString(), "--set", ids.get(1),
                "--dir", "out2");
        assertThat(fetchBad.exitCode()).isEqualTo(1);
        assertThat(fetchBad.stderr()).contains("error: ").contains("SHA-256").doesNotContain("\tat ");

        Cli.Result dry = Cli.run(tmp, "prune", "--store", storeDir.toString(), "--keep-last", "1", "--dry-run",
                "--json");
        assertThat(dry.exitCode()).as(dry.stderr()).isZero();
        assertThat(JSON.readTree(dry.stdout()).get("removed")).hasSize(2);
        assertThat(Files.exists(storeDir.resolve(ids.get(0)).resolve("manifest.json"))).isTrue();
        Cli.Result prune = Cli.run(tmp, "prune", "--store", storeDir.toString(), "--keep-last", "1", "--json");
        assertThat(prune.exitCode()).as(prune.stderr()).isZero();
        JsonNode p = JSON.readTree(prune.stdout());
        assertThat(p.get("kept").get(0).asText()).isEqualTo(ids.get(2));
        assertThat(Files.exists(storeDir.resolve(ids.get(0)))).isFalse();
    }

    @Test
    void badInputGivesExitTwoAndAnErrorLineWithoutStackTrace() throws Exception {
        List<String[]> bad = List.of(
                new String[] {"list"},
                new String[] {"list", "--store", "gopher://x"},
                new String[] {"list", "--store", storeDir.toString(), "--bogus"},
                new String[] {"verify", "--store", storeDir.toString(), "--set", "../../etc"},
                new String[] {"prune", "--store", storeDir.toString()},
                new String[] {"prune", "--store", storeDir.toString(), "--keep-within", "7 days"},
                new String[] {"prune", "--store", storeDir.toString(), "--keep-last", "x"},
                new String[] {"fetch", "--store", storeDir.toString(), "--set", "nope", "--dir", "o"},
                new String[] {"no-such-command"},
                new String[] {});
        for (String[] args : bad) {
            Cli.Result r = Cli.run(tmp, args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.all()).isEqualTo(2);
            assertThat(r.stderr()).as(String.join(" ", args)).startsWith("error: ");
            assertThat(r.all()).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(r.stdout()).isEmpty();
        }
        assertThat(Files.exists(storeDir.resolve(ids.get(0)))).isTrue();
    }

    @Test
    void interruptedSetsAreRemovedOnlyWhenAskedAndOnlyAfterTheGracePeriod() throws Exception {
        Path orphan = Files.createDirectories(storeDir.resolve("20200101T000000Z-0badc0de"));
        Path part = Files.writeString(orphan.resolve("snap.zip"), "half a snapshot");
        Files.setLastModifiedTime(part, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(3))));
        Cli.Result keep = Cli.run(tmp, "prune", "--store", storeDir.toString(), "--keep-last", "5", "--json");
        assertThat(keep.exitCode()).as(keep.stderr()).isZero();
        assertThat(part).exists();
        Cli.Result young = Cli.run(tmp, "prune", "--store", storeDir.toString(), "--keep-last", "5",
                "--clean-interrupted", "7d", "--json");
        assertThat(JSON.readTree(young.stdout()).has("interrupted")).isFalse();
        assertThat(part).exists();
        Cli.Result dry = Cli.run(tmp, "prune", "--store", storeDir.toString(), "--keep-last", "5",
                "--clean-interrupted", "2d", "--dry-run", "--json");
        assertThat(JSON.readTree(dry.stdout()).get("interrupted").get(0).asText())
                .isEqualTo("20200101T000000Z-0badc0de");
        assertThat(part).exists();
        Cli.Result clean = Cli.run(tmp, "prune", "--store", storeDir.toString(), "--keep-last", "5",
                "--clean-interrupted", "2d", "--json");
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();
        assertThat(part).doesNotExist();
        assertThat(JSON.readTree(clean.stdout()).get("kept")).hasSize(3);
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String cmd : List.of("list", "verify", "prune", "fetch")) {
            Cli.Result r = Cli.run(tmp, cmd, "--help");
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).contains("Usage: rke-backup " + cmd);
        }
    }

    @Test
    void verifyOfAMissingSetIsAFailureNotACrash() throws Exception {
        Cli.Result r = Cli.run(tmp, "verify", "--store", storeDir.toString(), "--set", "20990101T000000Z-00000000");
        // issue 16: an unknown --set is bad input (2), not a failed run (1)
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("error: ").contains("no such backup set");
        Files.write(storeDir.resolve(ids.get(0)).resolve("manifest.json"), new byte[] {'{'});
        Cli.Result v = Cli.run(tmp, "verify", "--store", storeDir.toString());
        assertThat(v.exitCode()).isEqualTo(1);
        assertThat(v.stdout()).contains(ids.get(0) + "  DAMAGED").contains("unreadable manifest.json");
    }
}
