package dev.rkebackup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.crypto.AuthenticationException;
import dev.rkebackup.core.crypto.KeyRequiredException;
import dev.rkebackup.core.crypto.Protection;
import dev.rkebackup.core.crypto.RepositoryCipher;
import dev.rkebackup.core.repository.ArtifactCheck;
import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.testing.GeneratedStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted repositories against a real filesystem store, tried as an attacker with write access would. */
class EncryptedRepositoryTest {
    static final Secret PASSWORD = Secret.of("correct horse battery staple");
    static final byte[] CONFIG_TEXT = "nodes:\n- address: 10.0.0.1\n  secret_marker: SEKRIT-CONFIG-TEXT\n"
            .getBytes(StandardCharsets.UTF_8);
    static final long SNAPSHOT_SIZE = 3 * 4096 * 5 + 123; // 15+ segments

    @TempDir
    Path dir;
    ObjectStore store;
    RepositoryKeys keys;
    UnlockedKey key;

    @BeforeEach
    void init() {
        store = FileSystemObjectStore.create(dir.resolve("store"));
        keys = RepositoryKeys.of(store);
        key = keys.init(List.of(KeyEncryptionKey.password(PASSWORD)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    BackupRepository repo(UnlockedKey k, Instant at) {
        return keys.repository(k).clock(Clock.fixed(at, ZoneOffset.UTC)).build();
    }

    Manifest backup(BackupRepository repo, long seed) {
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
            w.add("cluster.yml", ArtifactKind.of("cluster-config"), ArtifactSource.local("cluster.yml"), CONFIG_TEXT);
            w.add("snapshots/snap.zip", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("snap.zip"),
                    GeneratedStream.of(seed, SNAPSHOT_SIZE), SNAPSHOT_SIZE);
            w.add("empty.txt", ArtifactKind.of("cluster-config"), ArtifactSource.local("empty.txt"), new byte[0]);
            return w.commit();
        }
    }

    Path object(String setId, String path) {
        return dir.resolve("store").resolve(setId).resolve(path);
    }

    @Test
    void roundTripAndNothingReadableInTheStore() throws IOException {
        BackupRepository repo = repo(key, Instant.parse("2026-11-26T11:00:00Z"));
        assertThat(repo.protection()).isEqualTo(Protection.ENCRYPTED);
        Manifest m = backup(repo, 7);
        assertThat(repo.listSets()).extracting(Manifest::setId).containsExactly(m.setId());
        assertThat(repo.verify(m.setId()).ok()).isTrue();
        List<Path> files = repo.fetch(m.setId(), dir.resolve("out"));
        assertThat(Files.readAllBytes(files.get(0))).isEqualTo(CONFIG_TEXT);
        try (InputStream in = GeneratedStream.of(7, SNAPSHOT_SIZE)) {
            assertThat(Files.readAllBytes(files.get(1))).isEqualTo(in.readAllBytes());
        }
        // a second unlock (new process) reads the same sets
        UnlockedKey again = keys.unlock(Credential.password(PASSWORD));
        assertThat(repo(again, Instant.now()).verify(m.setId()).ok()).isTrue();
        // with read access, grep over the whole store finds no config text, no snapshot bytes, no password
        byte[] snapshotHead = GeneratedStream.of(7, 64).readAllBytes();
        try (Stream<Path> all = Files.walk(dir.resolve("store"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                assertThat(text).as(p.toString()).doesNotContain("SEKRIT-CONFIG-TEXT", "10.0.0.1",
                        PASSWORD.reveal(), "snapshots/snap.zip", new String(snapshotHead, StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(key.toString()).doesNotContain(PASSWORD.reveal());
    }

    @Test
    void oneMebibyteSegmentsRoundTrip() {
        ObjectStore big = FileSystemObjectStore.create(dir.resolve("big"));
        RepositoryKeys k = RepositoryKeys.of(big);
        UnlockedKey u = k.init(List.of(KeyEncryptionKey.password(PASSWORD)), 1 << 20);
        BackupRepository repo = k.repository(u).build();
        long size = 3L * (1 << 20) + 77;
        Manifest m;
        try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
            w.add("snapshots/snap.db", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("snap.db"),
                    GeneratedStream.of(5, size), size);
            m = w.commit();
        }
        VerifyReport r = repo.verify(m.setId());
        assertThat(r.problems()).isEmpty();
        assertThat(r.ok()).isTrue();
    }

    @Test
    void wrongPasswordAndForeignAgeIdentityAreBadInput() {
        assertThatThrownBy(() -> keys.unlock(Credential.password(Secret.of("wrong"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wrong password")
                .hasMessageNotContaining("wrong\"");
        String identity = AgeCli.newIdentity(dir.resolve("id.txt"));
        assertThatThrownBy(() -> keys.unlock(Credential.ageIdentity(Secret.of(identity))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("has no age key");
        keys.add(key, KeyEncryptionKey.ageRecipient(AgeCli.recipientOf(dir.resolve("id.txt"))));
        String other = AgeCli.newIdentity(dir.resolve("other.txt"));
        assertThatThrownBy(() -> keys.unlock(Credential.ageIdentity(Secret.of(other))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("matches no key")
                .hasMessageNotContaining("AGE-SECRET-KEY");
        assertThat(keys.unlock(Credential.ageIdentity(Secret.of(identity))).keyType()).isEqualTo("age");
    }

    @Test
    void damagedOrForeignConfigIsRefused() throws IOException {
        Path config = dir.resolve("store").resolve(RepositoryCipher.CONFIG_NAME);
        byte[] good = Files.readAllBytes(config);
        Files.write(config, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("not valid JSON");
        Files.writeString(config, "not json at all");
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("not valid JSON");
        Files.writeString(config, new String(good, StandardCharsets.UTF_8).replace("\"version\" : 1", "\"version\" : 9"));
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("version 9").hasMessageContaining("upgrade");
        // the config of another repository: its id differs from every key object's
        ObjectStore other = FileSystemObjectStore.create(dir.resolve("other"));
        RepositoryKeys.of(other).init(List.of(KeyEncryptionKey.password(PASSWORD)));
        Files.copy(dir.resolve("other").resolve(RepositoryCipher.CONFIG_NAME), config,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("belongs to repository");
        // a modified segment size (readable field) fails the config's MAC
        Files.writeString(config, new String(good, StandardCharsets.UTF_8).replace("\"ciphertextSegmentSize\" : 4096",
                "\"ciphertextSegmentSize\" : 8192"));
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("failed authentication");
    }

    @Test
    void damagedOrForeignKeyObjectIsRefused() throws IOException {
        Path keyFile = Files.list(dir.resolve("store").resolve("keys")).findFirst().orElseThrow();
        byte[] good = Files.readAllBytes(keyFile);
        Files.write(keyFile, java.util.Arrays.copyOf(good, 40));
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("not valid JSON");
        assertThat(keys.list()).singleElement().extracting(KeyInfo::usable).isEqualTo(false);
        Files.writeString(keyFile, "{]");
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("not valid JSON");
        Files.writeString(keyFile, new String(good, StandardCharsets.UTF_8).replace("\"version\" : 1", "\"version\" : 2"));
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("version 2");
        // a key object from another repository (same password)
        ObjectStore other = FileSystemObjectStore.create(dir.resolve("other"));
        RepositoryKeys.of(other).init(List.of(KeyEncryptionKey.password(PASSWORD)));
        Path foreign = Files.list(dir.resolve("other").resolve("keys")).findFirst().orElseThrow();
        Files.delete(keyFile);
        Files.copy(foreign, dir.resolve("store").resolve("keys").resolve(foreign.getFileName()));
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("belongs to repository");
        // its repository id edited to ours: the wrapped master key is bound to the original id and does not unwrap
        String ours = key.repositoryId();
        String theirs = RepositoryKeys.of(other).list().get(0).id();
        Path planted = dir.resolve("store").resolve("keys").resolve(foreign.getFileName());
        String text = Files.readString(planted);
        String otherRepo = text.replaceAll("(?s).*\"repositoryId\" : \"([0-9a-f]+)\".*", "$1");
        Files.writeString(planted, text.replace(otherRepo, ours));
        assertThat(theirs).isNotEmpty();
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wrong password");
    }

    @Test
    void flippedBytesInFirstMiddleAndLastSegmentAndTruncationAreReportedByArtifact() throws IOException {
        BackupRepository repo = repo(key, Instant.parse("2026-11-26T11:00:00Z"));
        Manifest m = backup(repo, 1);
        Path obj = object(m.setId(), "snapshots/snap.zip");
        byte[] good = Files.readAllBytes(obj);
        for (int pos : new int[] {60, good.length / 2, good.length - 5}) {
            byte[] bad = good.clone();
            bad[pos] ^= 0x01;
            Files.write(obj, bad);
            VerifyReport r = repo.verify(m.setId());
            assertThat(r.ok()).as("flip at %d", pos).isFalse();
            assertThat(r.problems()).singleElement().satisfies(c -> {
                assertThat(c.path()).isEqualTo("snapshots/snap.zip");
                assertThat(c.status()).isEqualTo(ArtifactCheck.Status.AUTHENTICATION);
            });
        }
        // truncated at a segment boundary: the last segment is gone, the rest authenticates segment by segment
        Files.write(obj, java.util.Arrays.copyOf(good, 4096 * 3));
        assertThat(repo.verify(m.setId()).problems()).singleElement()
                .extracting(ArtifactCheck::status).isIn(ArtifactCheck.Status.AUTHENTICATION);
        assertThatThrownBy(() -> repo.fetch(m.setId(), dir.resolve("out")))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("snapshots/snap.zip");
        assertThat(dir.resolve("out").resolve("snapshots/snap.zip")).doesNotExist();
    }

    @Test
    void objectsSwappedOrCopiedBetweenSetsFailAuthentication() throws IOException {
        Manifest a = backup(repo(key, Instant.parse("2026-11-26T11:00:00Z")), 1);
        BackupRepository repo = repo(key, Instant.parse("2026-11-27T11:00:00Z"));
        Manifest b = backup(repo, 2);
        Path sa = object(a.setId(), "snapshots/snap.zip");
        Path sb = object(b.setId(), "snapshots/snap.zip");
        byte[] ba = Files.readAllBytes(sa);
        byte[] bb = Files.readAllBytes(sb);
        Files.write(sa, bb);
        Files.write(sb, ba);
        for (Manifest m : List.of(a, b)) {
            assertThat(repo.verify(m.setId()).problems()).singleElement()
                    .extracting(ArtifactCheck::status).isEqualTo(ArtifactCheck.Status.AUTHENTICATION);
        }
        // renamed within a set: cluster.yml's object put in place of empty.txt
        Files.copy(object(b.setId(), "cluster.yml"), object(b.setId(), "empty.txt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(repo.verify(b.setId()).problems()).extracting(ArtifactCheck::path)
                .contains("empty.txt");
    }

    @Test
    void olderManifestInPlaceOfTheNewestOrReDatedIsRefused() throws IOException {
        Manifest a = backup(repo(key, Instant.parse("2026-11-26T11:00:00Z")), 1);
        BackupRepository repo = repo(key, Instant.parse("2026-11-27T11:00:00Z"));
        Manifest b = backup(repo, 2);
        Path mb = object(b.setId(), BackupRepository.MANIFEST_NAME);
        byte[] goodB = Files.readAllBytes(mb);
        Files.copy(object(a.setId(), BackupRepository.MANIFEST_NAME), mb,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> repo.verify(b.setId())).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("written for set " + a.setId());
        assertThat(repo.listSets()).extracting(Manifest::setId).containsExactly(a.setId());
        assertThat(repo.listUnreadable()).singleElement().satisfies(u -> assertThat(u.setId()).isEqualTo(b.setId()));
        // re-dated: the readable creation time is covered by the MAC
        Files.writeString(mb, new String(goodB, StandardCharsets.UTF_8)
                .replace("2026-11-27T11:00:00Z", "2026-12-27T11:00:00Z"));
        assertThatThrownBy(() -> repo.verify(b.setId())).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("failed authentication");
        // a plaintext manifest planted into the encrypted repository is refused
        BackupRepository plain = BackupRepository.create(FileSystemObjectStore.create(dir.resolve("plain")));
        Manifest p = backup(plain, 3);
        Files.copy(dir.resolve("plain").resolve(p.setId()).resolve(BackupRepository.MANIFEST_NAME), mb,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> repo.verify(b.setId())).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("sealed with its key");
    }

    @Test
    void plaintextWritesIntoAnEncryptedRepositoryAreImpossible() {
        BackupRepository noKey = BackupRepository.create(store);
        assertThat(noKey.protection()).isEqualTo(Protection.ENCRYPTED);
        assertThatThrownBy(() -> noKey.newSet(SetMetadata.of("prod"))).isInstanceOf(KeyRequiredException.class)
                .hasMessageContaining("--password-file").hasMessageContaining("RKE_BACKUP_PASSWORD_FILE")
                .hasMessageContaining("RKE_BACKUP_PASSWORD").hasMessageContaining("--age-identity");
        assertThatThrownBy(noKey::listSets).isInstanceOf(KeyRequiredException.class);
        // a key for a store without a repository is refused too (a removed config must not downgrade writes)
        BackupRepository wrong = BackupRepository.builder(FileSystemObjectStore.create(dir.resolve("plain")))
                .cipher(key).build();
        assertThatThrownBy(() -> wrong.newSet(SetMetadata.of("prod"))).isInstanceOf(KeyRequiredException.class)
                .hasMessageContaining("holds no encrypted repository");
        assertThat(BackupRepository.create(FileSystemObjectStore.create(dir.resolve("plain2"))).protection())
                .isEqualTo(Protection.PLAINTEXT);
    }

    @Test
    void keysRewrapTheMasterKeyOnlyAndTheLastOneStays() throws IOException {
        BackupRepository repo = repo(key, Instant.parse("2026-11-26T11:00:00Z"));
        Manifest m = backup(repo, 1);
        byte[] before = Files.readAllBytes(object(m.setId(), "snapshots/snap.zip"));
        assertThatThrownBy(() -> keys.remove(key, key.keyId())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("last usable key");
        Secret second = Secret.of("second password");
        KeyInfo added = keys.add(key, KeyEncryptionKey.password(second));
        assertThat(keys.list()).extracting(KeyInfo::id).containsExactlyInAnyOrder(key.keyId(), added.id());
        keys.remove(key, key.keyId());
        assertThatThrownBy(() -> keys.unlock(Credential.password(PASSWORD))).isInstanceOf(InvalidInputException.class);
        UnlockedKey k2 = keys.unlock(Credential.password(second));
        Secret third = Secret.of("third password");
        KeyInfo changed = keys.changePassword(k2, k2.keyId(), third);
        assertThatThrownBy(() -> keys.unlock(Credential.password(second))).isInstanceOf(InvalidInputException.class);
        UnlockedKey k3 = keys.unlock(Credential.password(third));
        assertThat(k3.keyId()).isEqualTo(changed.id());
        assertThat(repo(k3, Instant.now()).verify(m.setId()).ok()).isTrue();
        assertThat(Files.readAllBytes(object(m.setId(), "snapshots/snap.zip"))).isEqualTo(before);
        assertThatThrownBy(() -> keys.remove(k3, "0123456789abcdef")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no key 0123456789abcdef");
    }

    @Test
    void initRefusesANonEmptyStoreOrASecondInit() {
        assertThatThrownBy(() -> keys.init(List.of(KeyEncryptionKey.password(PASSWORD))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already holds");
        ObjectStore plainStore = FileSystemObjectStore.create(dir.resolve("plain"));
        backup(BackupRepository.create(plainStore), 1);
        assertThatThrownBy(() -> RepositoryKeys.of(plainStore).init(List.of(KeyEncryptionKey.password(PASSWORD))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not empty");
        assertThatThrownBy(() -> KeyEncryptionKey.ageRecipient("age1notarecipient"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not an age X25519 recipient");
    }

    static void write(ObjectStore s, String key, byte[] b) {
        s.put(key, new ByteArrayInputStream(b), b.length);
    }
}
