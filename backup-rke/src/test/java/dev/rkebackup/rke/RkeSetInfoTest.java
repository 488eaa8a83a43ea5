package dev.rkebackup.rke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.rke.config.ConfigGeneration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RKE facts travel as labels; a set written by round 1 (checked in under test resources) reads the same. */
@Timeout(30)
class RkeSetInfoTest {
    @Test
    void aSetWrittenByRoundOneStillReadsWithItsRkeFactsAndVerifies() throws Exception {
        // written by the round-1 code (commit 10582d8): rkeVersion and configGeneration as top-level fields
        Path round1 = Path.of(getClass().getResource("/round1-store").toURI());
        BackupRepository repo = BackupRepository.builder(FileSystemObjectStore.create(round1)).prefix("prod").build();
        Manifest m = repo.listSets().get(0);
        RkeSetInfo info = RkeSetInfo.of(m);
        assertThat(info.rkeVersion()).isEqualTo("v1.6.3");
        assertThat(info.knownRkeVersion()).contains("v1.6.3");
        assertThat(info.configGeneration()).isEqualTo("backup_config");
        assertThat(m.metadata().labels()).containsEntry(SetMetadata.LABEL_SNAPSHOT_NAME, "snap1");
        assertThat(m.artifacts(RkeArtifacts.ETCD_SNAPSHOT)).singleElement()
                .satisfies(a -> assertThat(a.attributes()).containsEntry("stateEntry", "true"));
        assertThat(m.artifacts(RkeArtifacts.CLUSTER_CONFIG)).hasSize(1);
        assertThat(m.artifacts(RkeArtifacts.RKESTATE)).hasSize(1);
        assertThat(repo.verify(m.setId()).ok()).isTrue();
    }

    @Test
    void newFactsAreNamespacedLabelsAndUnknownOnesAreLeftOut() {
        SetMetadata m = RkeSetInfo.of(RkeVersion.parse("v0.1.9"), ConfigGeneration.LEGACY)
                .applyTo(SetMetadata.of("prod"));
        assertThat(m.labels()).containsEntry(RkeSetInfo.LABEL_RKE_VERSION, "v0.1.9")
                .containsEntry(RkeSetInfo.LABEL_CONFIG_GENERATION, "legacy").hasSize(2);
        assertThat(RkeSetInfo.of(m)).isEqualTo(new RkeSetInfo("v0.1.9", "legacy"));
        assertThat(new RkeSetInfo(null, "").applyTo(SetMetadata.of("prod")).labels()).isEmpty();
        assertThat(RkeSetInfo.of(SetMetadata.of("prod")).knownRkeVersion()).isEmpty();
    }
}
