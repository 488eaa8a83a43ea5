package dev.rkebackup.core.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.testing.FaultyStore;
import dev.rkebackup.core.testing.GeneratedStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class BackupRepositoryTest {
    @TempDir
    Path tmp;
    FileSystemObjectStore fs;
    FaultyStore store;
    BackupRepository repo;

    @BeforeEach
    void setUp() {
        fs = FileSystemObjectStore.create(tmp.resolve("store"));
        store = new FaultyStore(fs);
        repo = BackupRepository.builder(store).prefix("prod").build();
    }

    private Manifest storeSet(long snapshotSize) {
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod").withLabel("rkeVersion", "v1.6.3")
                .withLabel("configGeneration", "backup_config").withLabel(SetMetadata.LABEL_SNAPSHOT_NAME, "snap1"))) {
            w.add("cluster.yml", ArtifactKind.of("cluster-config"), ArtifactSource.local("/home/ops/cluster.yml"),
                    "nodes: []\n".getBytes(StandardCharsets.UTF_8));
            w.add("snapshots/snap1.zip", ArtifactKind.of("etcd-snapshot"),
                    ArtifactSource.node("10.0.0.1", "/opt/rke/etcd-snapshots/snap1.zip"),
                    GeneratedStream.of(1, snapshotSize), snapshotSize, Map.of("stateEntry", "true"));
            return w.commit();
        }
    }

    @Test
    void committedSetHasAManifestWithEverythingAndIsStreamedOnce() throws IOException {
        Manifest m = storeSet(5 << 20);
        assertThat(store.opens()).as("artifacts are hashed while stored, never re-read").isZero();
        assertThat(m.setId()).matches(BackupRepository.SET_ID);
        assertThat(m.complete()).isTrue();
        assertThat(m.libraryVersion()).isEqualTo("0.1.0-SNAPSHOT");
        ArtifactEntry snap = m.artifact("snapshots/snap1.zip").orElseThrow();
        assertThat(snap.sha256()).isEqualTo(GeneratedStream.sha256(1, 5 << 20));
        assertThat(snap.size()).isEqualTo(5 << 20);
        assertThat(snap.source().toString()).isEqualTo("10.0.0.1:/opt/rke/etcd-snapshots/snap1.zip");

        String json;
        try (InputStream in = fs.open("prod/" + m.setId() + "/manifest.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json).contains("\"schemaVersion\" : 1", "\"clusterName\" : \"prod\"",
                "\"rkeVersion\" : \"v1.6.3\"", "\"configGeneration\" : \"backup_config\"",
                "\"kind\" : \"etcd-snapshot\"", "\"kind\" : \"cluster-config\"", "\"host\" : \"10.0.0.1\"",
                "\"snapshot-name\" : \"snap1\"", "\"createdAt\" : \"" + m.createdAt());
        assertThat(m.createdAt().toString()).endsWith("Z");
        assertThat(repo.listSets()).containsExactly(m);
        assertThat(repo.verify(m.setId()).ok()).isTrue();
    }

    @Test
    void aSetIsInvisibleUntilItsManifestIsWrittenAndAbortRemovesArtifacts() {
        BackupSetWriter w = repo.newSet(SetMetadata.of("prod"));
        w.add("a.txt", ArtifactKind.OTHER, ArtifactSource.local("a"), new byte[] {1, 2, 3});
        assertThat(repo.listSets()).isEmpty();
        assertThat(fs.list("prod/")).hasSize(1);
        w.close();
        assertThat(fs.list("")).isEmpty();
        assertThatThrownBy(() -> w.add("b", ArtifactKind.OTHER, ArtifactSource.local("b"), new byte[1]))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void verifyReportsMissingWrongSizeAndWrongChecksumPerArtifact() {
        Manifest m;
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
            for (String name : List.of("ok", "gone", "short", "flipped")) {
                w.add(name, ArtifactKind.OTHER, ArtifactSource.local(name), GeneratedStream.of(2, 4096), 4096);
            }
            m = w.commit();
        }
        String base = "prod/" + m.setId() + "/";
        fs.delete(List.of(base + "gone"));
        fs.put(base + "short", GeneratedStream.of(2, 4000), 4000);
        byte[] bytes = readAll(base + "flipped");
        bytes[100] ^= 1;
        fs.put(base + "flipped", new ByteArrayInputStream(bytes), bytes.length);

        VerifyReport r = repo.verify(m.setId());
        assertThat(r.ok()).isFalse();
        assertThat(r.checks()).extracting(ArtifactCheck::path, ArtifactCheck::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ok", ArtifactCheck.Status.OK),
                org.assertj.core.groups.Tuple.tuple("gone", ArtifactCheck.Status.MISSING),
                org.assertj.core.groups.Tuple.tuple("short", ArtifactCheck.Status.SIZE),
                org.assertj.core.groups.Tuple.tuple("flipped", ArtifactCheck.Status.CHECKSUM));
        assertThat(r.problems()).hasSize(3);
    }

    @Test
    void fetchWritesVerified0600FilesAndRefusesToOverwrite() throws IOException {
        Manifest m = storeSet(1 << 20);
        Path out = tmp.resolve("restore");
        List<Path> files = repo.fetch(m.setId(), out);
        assertThat(files).containsExactly(out.resolve("cluster.yml"), out.resolve("snapshots/snap1.zip"));
        assertThat(Files.readString(files.get(0))).isEqualTo("nodes: []\n");
        assertThat(Files.size(files.get(1))).isEqualTo(1 << 20);
        for (Path f : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        }
        assertThatThrownBy(() -> repo.fetch(m.setId(), out))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already exists");
    }

    @Test
    void fetchOfADamagedArtifactFailsAndLeavesNoPartialFile() throws IOException {
        Manifest m = storeSet(1 << 20);
        String key = "prod/" + m.setId() + "/snapshots/snap1.zip";
        byte[] bytes = readAll(key);
        bytes[bytes.length - 1] ^= 0x40;
        fs.put(key, new ByteArrayInputStream(bytes), bytes.length);
        Path out = tmp.resolve("restore");
        assertThatThrownBy(() -> repo.fetch(m.setId(), out))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("SHA-256").hasMessageContaining(key);
        try (Stream<Path> s = Files.walk(out)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly("cluster.yml");
        }
    }

    @Test
    void aManifestPathThatEscapesTheFetchDirectoryIsRejected() throws IOException {
        Manifest m = storeSet(10);
        String key = "prod/" + m.setId() + "/manifest.json";
        String json = new String(readAll(key), StandardCharsets.UTF_8).replace("\"cluster.yml\"", "\"../../evil\"");
        fs.put(key, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), json.length());
        assertThatThrownBy(() -> repo.fetch(m.setId(), tmp.resolve("out")))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("'..' segments");
        assertThat(tmp.resolve("evil")).doesNotExist();
        assertThat(repo.listSets()).isEmpty();
        assertThat(repo.listUnreadable()).extracting(UnreadableSet::setId).containsExactly(m.setId());
    }

    @Test
    void truncatedNonJsonAndFutureManifestsAreUnreadableNotListedAndNotVerifiable() {
        Manifest good = storeSet(10);
        List<String> ids = new ArrayList<>();
        for (String content : List.of(
                new String(readAll("prod/" + good.setId() + "/manifest.json"), StandardCharsets.UTF_8)
                        .substring(0, 80),
                "this is not json",
                "{\"schemaVersion\": 99, \"setId\": \"x\"}")) {
            Manifest m = storeSet(10);
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            fs.put("prod/" + m.setId() + "/manifest.json", new ByteArrayInputStream(b), b.length);
            ids.add(m.setId());
        }
        assertThat(repo.listSets()).containsExactly(good);
        assertThat(repo.listUnreadable()).extracting(UnreadableSet::setId).containsExactlyInAnyOrderElementsOf(ids);
        assertThatThrownBy(() -> repo.verify(ids.get(0))).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> repo.verify(ids.get(1))).isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> repo.verify(ids.get(2))).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("upgrade");
        assertThatThrownBy(() -> repo.verify("20990101T000000Z-00000000"))
                .isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> repo.verify("../../etc")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aManifestListingAnAbsentArtifactVerifiesAsMissing() {
        Manifest m = storeSet(10);
        fs.delete(List.of("prod/" + m.setId() + "/cluster.yml"));
        VerifyReport r = repo.verify(m.setId());
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("cluster.yml");
            assertThat(c.status()).isEqualTo(ArtifactCheck.Status.MISSING);
        });
    }

    @Test
    void aDiskThatFillsMidWriteLeavesNoSetAndNoObjects() {
        store.fillAfter(3 << 20);
        assertThatThrownBy(() -> storeSet(8 << 20))
                .isInstanceOf(StorageException.class).hasMessageContaining("disk is full");
        assertThat(repo.listSets()).isEmpty();
        assertThat(fs.list("")).isEmpty();
        assertThat(repo.findOrphans(java.time.Duration.ZERO)).isEmpty();
    }

    @Test
    void twoRepositoriesWritingAtOnceProduceTwoIntactSets() {
        BackupRepository other = BackupRepository.builder(fs).prefix("prod").build();
        CompletableFuture<Manifest> a = CompletableFuture.supplyAsync(() -> storeSet(8 << 20));
        CompletableFuture<Manifest> b = CompletableFuture.supplyAsync(() -> {
            try (BackupSetWriter w = other.newSet(SetMetadata.of("prod"))) {
                w.add("snap", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("x"), GeneratedStream.of(9, 8 << 20),
                        8 << 20);
                return w.commit();
            }
        });
        List<String> ids = List.of(a.join().setId(), b.join().setId());
        assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
        assertThat(repo.listSets()).extracting(Manifest::setId).containsExactlyInAnyOrderElementsOf(ids);
        ids.forEach(id -> assertThat(repo.verify(id).ok()).isTrue());
    }

    @Test
    void sameArtifactPathTwiceAndReservedNamesAreRejected() {
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
            w.add("x", ArtifactKind.OTHER, ArtifactSource.local("x"), new byte[1]);
            assertThatThrownBy(() -> w.add("x", ArtifactKind.OTHER, ArtifactSource.local("x"), new byte[1]))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("already used");
            assertThatThrownBy(() -> w.add("manifest.json", ArtifactKind.OTHER, ArtifactSource.local("x"),
                    new byte[1])).isInstanceOf(InvalidInputException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> w.add("../x", ArtifactKind.OTHER, ArtifactSource.local("x"), new byte[1]))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void progressIsReportedAndAThrowingListenerDoesNotBreakTheTransfer() {
        List<String> events = new CopyOnWriteArrayList<>();
        BackupRepository r = repo.toBuilder().listener(new ProgressListener() {
            @Override
            public void started(String path, long total) {
                events.add("start " + path + " " + total);
            }

            @Override
            public void progressed(String path, long done, long total) {
                events.add("progress " + path + " " + done);
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void finished(String path, long bytes, boolean ok) {
                events.add("end " + path + " " + bytes + " " + ok);
            }
        }).build();
        try (BackupSetWriter w = r.newSet(SetMetadata.of("prod"))) {
            w.add("big", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("big"), GeneratedStream.of(3, 10 << 20),
                    10 << 20);
            w.commit();
        }
        assertThat(events).first().isEqualTo("start big " + (10 << 20));
        assertThat(events).contains("progress big " + (4 << 20), "progress big " + (10 << 20));
        assertThat(events).last().isEqualTo("end big " + (10 << 20) + " true");
    }

    @Test
    void orphansAreFoundOnlyAfterTheGracePeriodAndDeletedOnlyOnRequest() {
        Manifest kept = storeSet(10);
        fs.put("prod/20200101T000000Z-0badc0de/snap.zip", GeneratedStream.of(1, 100), 100);
        fs.put("prod/not-a-set-id/other.txt", GeneratedStream.of(1, 5), 5);
        try {
            Files.setLastModifiedTime(fs.root().resolve("prod/20200101T000000Z-0badc0de/snap.zip"),
                    java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(repo.findOrphans(java.time.Duration.ofDays(365 * 100))).isEmpty();
        List<OrphanSet> orphans = repo.findOrphans(java.time.Duration.ofHours(1));
        assertThat(orphans).singleElement().satisfies(o -> {
            assertThat(o.setId()).isEqualTo("20200101T000000Z-0badc0de");
            assertThat(o.bytes()).isEqualTo(100);
        });
        assertThat(fs.list("prod/20200101T000000Z-0badc0de/")).hasSize(1);
        repo.deleteOrphans(orphans);
        assertThat(fs.list("")).extracting(ObjectInfo::key)
                .contains("prod/not-a-set-id/other.txt", "prod/" + kept.setId() + "/manifest.json")
                .noneMatch(k -> k.contains("0badc0de"));
    }

    private byte[] readAll(String key) {
        try (InputStream in = fs.open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
