package dev.rkebackup.core.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.core.storage.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetCopyTest {
    @TempDir
    Path tmp;
    FileSystemObjectStore fromStore;
    FileSystemObjectStore toStore;
    BackupRepository from;
    BackupRepository to;

    @BeforeEach
    void repos() {
        fromStore = FileSystemObjectStore.create(tmp.resolve("from"));
        toStore = FileSystemObjectStore.create(tmp.resolve("to"));
        from = BackupRepository.create(fromStore);
        to = BackupRepository.create(toStore);
    }

    private Manifest newSet(String content, boolean complete) {
        try (BackupSetWriter w = from.newSet(SetMetadata.of("prod"))) {
            w.add("cluster.yml", ArtifactKind.of("cluster-config"), ArtifactSource.local("cluster.yml"),
                    content.getBytes(StandardCharsets.UTF_8));
            w.add("snapshots/n1/s.zip", ArtifactKind.of("etcd-snapshot"), ArtifactSource.node("n1", "/opt/s.zip"),
                    new ByteArrayInputStream(new byte[5000]), 5000, java.util.Map.of("zip", "true"));
            w.note("taken by a test");
            return complete ? w.commit() : w.commitIncomplete(List.of("no state file"));
        }
    }

    @Test
    void aSetIsCopiedWithItsIdTimeNotesAndArtifactsManifestLastAndVerifiesAtTheTarget() {
        Manifest m = newSet("nodes: []\n", true);
        SetCopy.Result r = SetCopy.between(from, to).copy(m.setId(), false);
        assertThat(r.outcome()).isEqualTo(SetCopy.Outcome.COPIED);
        Manifest copied = to.manifest(m.setId());
        assertThat(copied.createdAt()).isEqualTo(m.createdAt());
        assertThat(copied.metadata()).isEqualTo(m.metadata());
        assertThat(copied.notes()).isEqualTo(m.notes());
        assertThat(copied.artifacts()).isEqualTo(m.artifacts());
        assertThat(to.verify(m.setId()).ok()).isTrue();
        ObjectInfo manifest = toStore.stat(m.setId() + "/manifest.json").orElseThrow();
        for (ArtifactEntry a : m.artifacts()) {
            assertThat(toStore.stat(m.setId() + "/" + a.path()).orElseThrow().lastModified())
                    .isBeforeOrEqualTo(manifest.lastModified());
        }
    }

    @Test
    void copyingAgainSkipsTheSetAndADryRunWritesNothing() throws Exception {
        Manifest m = newSet("a", true);
        assertThat(SetCopy.between(from, to).copyAll(true)).extracting(SetCopy.Result::outcome)
                .containsExactly(SetCopy.Outcome.WOULD_COPY);
        assertThat(toStore.list("")).isEmpty();
        SetCopy.between(from, to).copyAll(false);
        long before = Files.getLastModifiedTime(tmp.resolve("to").resolve(m.setId()).resolve("manifest.json"))
                .toMillis();
        assertThat(SetCopy.between(from, to).copyAll(false)).extracting(SetCopy.Result::outcome)
                .containsExactly(SetCopy.Outcome.ALREADY_PRESENT);
        assertThat(Files.getLastModifiedTime(tmp.resolve("to").resolve(m.setId()).resolve("manifest.json"))
                .toMillis()).isEqualTo(before);
    }

    @Test
    void anIncompleteSetIsNotCopied() {
        Manifest m = newSet("a", false);
        assertThat(SetCopy.between(from, to).copy(m.setId(), false).outcome())
                .isEqualTo(SetCopy.Outcome.SKIPPED_INCOMPLETE);
        assertThat(toStore.list("")).isEmpty();
    }

    @Test
    void aDamagedSourceArtifactStopsTheCopyAndNothingIsCommitted() throws Exception {
        Manifest m = newSet("original", true);
        Files.writeString(tmp.resolve("from").resolve(m.setId()).resolve("cluster.yml"), "tampered");
        assertThatThrownBy(() -> SetCopy.between(from, to).copy(m.setId(), false))
                .hasMessageContaining("cluster.yml");
        assertThatThrownBy(() -> to.manifest(m.setId())).isInstanceOf(ObjectNotFoundException.class);
        assertThat(toStore.list("")).isEmpty();
    }

    @Test
    void aDifferentSetUnderTheSameIdAtTheTargetIsRefused() {
        Manifest m = newSet("one", true);
        SetCopy.between(from, to).copy(m.setId(), false);
        // rewrite the source set's config: a different set with the same id
        try (BackupSetWriter w = from.newCopy(m)) {
            w.add("cluster.yml", ArtifactKind.of("cluster-config"), ArtifactSource.local("cluster.yml"),
                    "two".getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
        assertThatThrownBy(() -> SetCopy.between(from, to).copy(m.setId(), false))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("different backup set with id " + m.setId());
    }

    @Test
    void aDamagedCopyAtTheTargetIsReportedNotSkipped() throws Exception {
        Manifest m = newSet("one", true);
        SetCopy.between(from, to).copy(m.setId(), false);
        Files.write(tmp.resolve("to").resolve(m.setId()).resolve("snapshots/n1/s.zip"), new byte[5000 - 1]);
        assertThatThrownBy(() -> SetCopy.between(from, to).copy(m.setId(), false))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("does not verify there");
    }

    @Test
    void aMissingSetIsNotFound() {
        assertThatThrownBy(() -> SetCopy.between(from, to).copy("20260101T000000Z-0000abcd", false))
                .isInstanceOf(ObjectNotFoundException.class);
    }
}
