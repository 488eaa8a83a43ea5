package dev.rkebackup.core.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.core.storage.StoreConfirmation;
import dev.rkebackup.core.testing.FaultyStore;
import dev.rkebackup.core.testing.GeneratedStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Confirmation from the store's record after a backup, and verification of a sampled subset of the data. */
@Timeout(60)
class ConfirmAndSampleTest {
    @TempDir
    Path tmp;

    private static Manifest write(BackupRepository repo, int artifacts, Map<String, StoreConfirmation> out) {
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
            for (int i = 0; i < artifacts; i++) {
                w.add("a" + i, ArtifactKind.OTHER, ArtifactSource.local("a" + i), GeneratedStream.of(i, 3 << 20),
                        3 << 20);
            }
            Manifest m = w.commit();
            out.putAll(w.confirmations());
            return m;
        }
    }

    @Test
    void theFilesystemStoreConfirmsWithoutAReadAndAStoreThatCannotIsReadBack() {
        FileSystemObjectStore fs = FileSystemObjectStore.create(tmp.resolve("fs"));
        BackupRepository repo = BackupRepository.create(fs);
        Map<String, StoreConfirmation> confirmed = new java.util.HashMap<>();
        Manifest m = write(repo, 2, confirmed);
        assertThat(confirmed).containsOnlyKeys("a0", "a1");
        assertThat(confirmed.get("a0").method()).isEqualTo("fs-synced-size");
        VerifyReport r = repo.confirm(m, confirmed);
        assertThat(r.ok()).isTrue();
        assertThat(r.checks()).extracting(ArtifactCheck::method).containsOnly("fs-synced-size");

        FaultyStore plain = new FaultyStore(FileSystemObjectStore.create(tmp.resolve("plain")));
        BackupRepository other = BackupRepository.create(plain);
        Map<String, StoreConfirmation> none = new java.util.HashMap<>();
        Manifest m2 = write(other, 2, none);
        assertThat(none).isEmpty();
        int before = plain.opens();
        VerifyReport r2 = other.confirm(m2, none);
        assertThat(r2.ok()).isTrue();
        assertThat(r2.checks()).extracting(ArtifactCheck::method).containsOnly(StoreConfirmation.READ_BACK);
        assertThat(plain.opens() - before).as("manifest + both artifacts read back").isEqualTo(3);
    }

    @Test
    void aSampledVerifyReadsOnlyTheSubsetAndFindsDamageInIt() throws IOException {
        FileSystemObjectStore fs = FileSystemObjectStore.create(tmp.resolve("s"));
        BackupRepository repo = BackupRepository.create(fs);
        List<Manifest> sets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sets.add(write(repo, 3, new java.util.HashMap<>()));
        }
        // damage one object, keeping its size: only reading it finds the damage
        Manifest victim = sets.get(1);
        String key = victim.setId() + "/a2";
        byte[] bytes;
        try (InputStream in = fs.open(key)) {
            bytes = in.readAllBytes();
        }
        bytes[12345] ^= 1;
        fs.put(key, new ByteArrayInputStream(bytes), bytes.length);

        // parts 1/3..3/3 together read every object exactly once, and the part holding the damage reports it
        Set<String> readOnce = new HashSet<>();
        int damagedParts = 0;
        for (int n = 1; n <= 3; n++) {
            List<VerifyReport> reports = repo.verify(sets, DataSubset.parse(n + "/3"), new Random(1));
            for (VerifyReport r : reports) {
                for (ArtifactCheck c : r.checks()) {
                    if (c.method().equals(StoreConfirmation.READ_BACK)) {
                        assertThat(readOnce.add(r.setId() + "/" + c.path())).isTrue();
                    }
                }
            }
            if (reports.stream().anyMatch(r -> !r.ok())) {
                damagedParts++;
                VerifyReport bad = reports.stream().filter(r -> !r.ok()).findFirst().orElseThrow();
                assertThat(bad.setId()).isEqualTo(victim.setId());
                assertThat(bad.problems()).singleElement().satisfies(c -> {
                    assertThat(c.path()).isEqualTo("a2");
                    assertThat(c.status()).isEqualTo(ArtifactCheck.Status.CHECKSUM);
                    assertThat(c.detail()).contains(key);
                });
            }
        }
        assertThat(readOnce).hasSize(9);
        assertThat(damagedParts).isEqualTo(1);

        // a share and an amount read that many objects; the rest is checked by presence and size
        List<VerifyReport> third = repo.verify(sets, DataSubset.parse("34%"), new Random(2));
        assertThat(third.stream().flatMap(r -> r.checks().stream())
                .filter(c -> c.method().equals(StoreConfirmation.READ_BACK))).hasSize(4);
        List<VerifyReport> six = repo.verify(sets, DataSubset.parse("16M"), new Random(3));
        assertThat(six.stream().flatMap(r -> r.checks().stream())
                .filter(c -> c.method().equals(StoreConfirmation.READ_BACK))).hasSize(6);
        // a missing object outside the subset is still found
        fs.delete(List.of(sets.get(0).setId() + "/a0"));
        List<VerifyReport> tiny = repo.verify(List.of(sets.get(0)), DataSubset.parse("1K"), new Random(4));
        assertThat(tiny.get(0).ok()).isFalse();
    }

    @Test
    void badSubsetsAreRejectedWithTheAcceptedForms() {
        for (String bad : List.of("0%", "101%", "0/3", "4/3", "1/0", "abc", "-5G", "0G", "")) {
            assertThatThrownBy(() -> DataSubset.parse(bad)).as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not a data subset");
        }
        assertThat(DataSubset.parse("100%").isAll()).isTrue();
        assertThat(DataSubset.parse("1/1").isAll()).isTrue();
        assertThat(DataSubset.parse("2GiB").isAll()).isFalse();
    }
}
