package dev.rkebackup.core.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.InMemoryObjectStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The open value types of the model: kinds, labels, retention by name, storage failures by name. */
@Timeout(30)
class OpenModelTest {
    private static final String SET = "20261201T120000Z-0a1b2c3d";

    private static String manifest(String kind, String extraTopLevel) {
        return "{\"schemaVersion\":1,\"setId\":\"" + SET + "\",\"clusterName\":\"prod\","
                + "\"createdAt\":\"2026-12-01T12:00:00Z\",\"libraryVersion\":\"9.0.0\"," + extraTopLevel
                + "\"labels\":{\"snapshot-name\":\"s1\",\"ns.fact\":\"from-label\"},\"complete\":true,\"notes\":[],"
                + "\"artifacts\":[{\"path\":\"x\",\"kind\":\"" + kind + "\",\"size\":1,\"sha256\":\""
                + "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b\","
                + "\"source\":{\"host\":null,\"path\":\"x\"},\"attributes\":{}}]}";
    }

    private static BackupRepository repoWith(String manifestJson) {
        InMemoryObjectStore store = InMemoryObjectStore.create();
        byte[] m = manifestJson.getBytes(StandardCharsets.UTF_8);
        store.put("p/" + SET + "/x", new ByteArrayInputStream(new byte[] {10}), 1);
        store.put("p/" + SET + "/manifest.json", new ByteArrayInputStream(m), m.length);
        return BackupRepository.builder(store).prefix("p").build();
    }

    @Test
    void aManifestWithAKindThisVersionNeverHeardOfStillReadsAndVerifies() {
        BackupRepository repo = repoWith(manifest("hologram-2030", ""));
        Manifest m = repo.listSets().get(0);
        assertThat(m.artifacts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(ArtifactKind.of("hologram-2030"));
            assertThat(a.kind().id()).isEqualTo("hologram-2030");
        });
        assertThat(m.artifacts(ArtifactKind.of("hologram-2030"))).hasSize(1);
        assertThat(repo.verify(SET).ok()).isTrue();
    }

    @Test
    void topLevelTextFieldsTheCoreDoesNotKnowAreReadAsLabelsWithoutOverridingOnes() {
        Manifest m = repoWith(manifest("other", "\"someFact\":\"v1\",\"ns.fact\":\"top\",\"gone\":null,"))
                .listSets().get(0);
        assertThat(m.metadata().labels()).containsEntry("someFact", "v1").containsEntry("ns.fact", "from-label")
                .doesNotContainKey("gone").containsEntry(SetMetadata.LABEL_SNAPSHOT_NAME, "s1");
    }

    @Test
    void kindsAreValuesWithCheckedIds() {
        assertThat(ArtifactKind.of("other")).isSameAs(ArtifactKind.OTHER);
        assertThat(ArtifactKind.of("etcd-snapshot")).isEqualTo(new ArtifactKind("etcd-snapshot"))
                .hasToString("etcd-snapshot");
        for (String bad : new String[] {"", "Upper", "a b", "x/y", "a".repeat(65)}) {
            assertThatThrownBy(() -> ArtifactKind.of(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid artifact kind");
        }
    }

    @Test
    void labelsCanBeAddedReplacedAndRemoved() {
        SetMetadata m = SetMetadata.of("c").withLabel("a.b", "1").withLabel("a.b", "2").withLabel("z", "3");
        assertThat(m.labels()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("a.b", "2", "z", "3"));
        assertThat(m.withoutLabel("z").labels()).containsOnlyKeys("a.b");
        assertThat(m.withoutLabel("missing")).isSameAs(m);
    }

    @Test
    void retentionIsBuiltByNameAndRefusesNegativeRules() {
        RetentionPolicy p = RetentionPolicy.builder().keepLast(3).keepWithin(Duration.ofDays(2)).keepDaily(7)
                .keepWeekly(4).keepMonthly(12).build();
        assertThat(p.keepLast()).isEqualTo(3);
        assertThat(p.keepWithin()).isEqualTo(Duration.ofDays(2));
        assertThat(p.keepDaily()).isEqualTo(7);
        assertThat(p.keepWeekly()).isEqualTo(4);
        assertThat(p.keepMonthly()).isEqualTo(12);
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.toBuilder().keepDaily(0).build().keepDaily()).isZero();
        assertThat(RetentionPolicy.builder().build().isEmpty()).isTrue();
        assertThat(RetentionPolicy.keepLast(2)).isEqualTo(RetentionPolicy.builder().keepLast(2).build());
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWeekly(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepWeekly");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepWithin");
    }

    @Test
    void storageFailuresAreCreatedByWhatTheyMean() {
        IllegalStateException cause = new IllegalStateException("io");
        StorageException r = StorageException.retryable("cannot reach x; retry", cause);
        StorageException p = StorageException.permanent("access denied; grant it", null);
        ObjectNotFoundException n = StorageException.notFound("a/b", "memory:test");
        assertThat(r.isRetryable()).isTrue();
        assertThat(r).hasMessage("cannot reach x; retry").hasCause(cause);
        assertThat(p.isRetryable()).isFalse();
        assertThat(p.getCause()).isNull();
        assertThat(n.isRetryable()).isFalse();
        assertThat(n.key()).isEqualTo("a/b");
        assertThat(n).hasMessageContaining("a/b").hasMessageContaining("memory:test");
    }
}
