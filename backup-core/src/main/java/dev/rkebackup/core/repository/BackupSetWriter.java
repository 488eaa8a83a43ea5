package dev.rkebackup.core.repository;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.crypto.SetCipher;
import dev.rkebackup.core.internal.BackgroundHashing;
import dev.rkebackup.core.internal.Listeners;
import dev.rkebackup.core.internal.ManifestCodec;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ReopenableContent;
import dev.rkebackup.core.storage.StoreConfirmation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one backup set: artifacts first, each streamed once and measured on the way, then the manifest, last.
 * Until {@link #commit()} the set does not exist for listing, verification, fetching or retention. Closing a writer
 * that was not committed removes what it wrote.
 *
 * <p>{@link #add} may be called from several threads at once (artifacts from several nodes in parallel).
 *
 * <pre>{@code
 * try (BackupSetWriter w = repository.newSet(SetMetadata.of("prod"))) {
 *     w.add("cluster.yml", ArtifactKind.of("cluster-config"), ArtifactSource.local(path), in, size);
 *     Manifest m = w.commit();
 * }
 * }</pre>
 */
public final class BackupSetWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupSetWriter.class);

    private final BackupRepository repository;
    private final String setId;
    private final Instant createdAt;
    private final SetMetadata metadata;
    private final List<ArtifactEntry> entries = new ArrayList<>();
    private final List<String> pathsInFlight = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, StoreConfirmation> confirmations = new java.util.HashMap<>();
    private final SetCipher cipher;
    private boolean finished;

    BackupSetWriter(BackupRepository repository, String setId, Instant createdAt, SetMetadata metadata,
            SetCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
        this.setId = setId;
        this.createdAt = createdAt;
        this.metadata = metadata;
    }

    /**
     * The new set's identifier.
     *
     * @return the set id
     */
    public String setId() {
        return setId;
    }

    /**
     * Streams one artifact into the set, computing its size and SHA-256 on the way. The caller owns and closes
     * {@code content}. If the stream fails (including a verifying filter throwing
     * {@link IntegrityException}), nothing is stored under the artifact's path.
     *
     * @param path the artifact's path in the set
     * @param kind what it is
     * @param source where it comes from
     * @param content its bytes
     * @param length the exact number of bytes
     * @param attributes free-form facts to record with it
     * @return the recorded entry
     * @throws InvalidInputException if the path is invalid or already used in this set
     * @throws BackupException if storing failed
     */
    public ArtifactEntry add(String path, ArtifactKind kind, ArtifactSource source, InputStream content, long length,
            Map<String, String> attributes) {
        InputStream caller = new java.io.FilterInputStream(content) {
            @Override
            public void close() {
                // the caller owns and closes its stream
            }
        };
        return store(path, kind, source, length, attributes, false, () -> caller);
    }

    /**
     * Stores one artifact from content that can be opened again (a local file), so that the store can resend a
     * failed body from its source instead of buffering it. Otherwise the same as
     * {@link #add(String, ArtifactKind, ArtifactSource, InputStream, long, Map)}: size and SHA-256 are those of the
     * last opening the store read to its end.
     *
     * @param path the artifact's path in the set
     * @param kind what it is
     * @param source where it comes from
     * @param content opens its bytes; every stream opened is closed by the store
     * @param length the exact number of bytes
     * @param attributes free-form facts to record with it
     * @return the recorded entry
     * @throws InvalidInputException if the path is invalid or already used in this set
     * @throws BackupException if storing failed
     */
    public ArtifactEntry add(String path, ArtifactKind kind, ArtifactSource source, ReopenableContent content,
            long length, Map<String, String> attributes) {
        return store(path, kind, source, length, attributes, true, content);
    }

    private ArtifactEntry store(String path, ArtifactKind kind, ArtifactSource source, long length,
            Map<String, String> attributes, boolean reopenable, ReopenableContent content) {
        ObjectKeys.validate(path);
        if (path.equals(BackupRepository.MANIFEST_NAME)) {
            throw new InvalidInputException("artifact path '" + path + "' is reserved for the manifest");
        }
        synchronized (this) {
            checkOpen();
            if (pathsInFlight.contains(path)) {
                throw new InvalidInputException("artifact path '" + path + "' is already used in set " + setId);
            }
            pathsInFlight.add(path);
        }
        String key = repository.key(setId, path);
        ObjectStore store = repository.store();
        Listeners.started(repository.listener(), path, length);
        // each opening gets fresh hashes: after a resend only the last opening counts
        AtomicReference<Hashed> last = new AtomicReference<>();
        ReopenableContent hashed = () -> {
            Hashed previous = last.get();
            if (previous != null) {
                previous.stream.cancel();
            }
            MessageDigest sha = sha256();
            Hashed h = new Hashed(new BackgroundHashing(content.open(), List.of(List.of(sha::update)),
                    repository.listener(), path, length), sha);
            last.set(h);
            return cipher.encrypt(h.stream, path, length); // closing it closes the hashing stream
        };
        boolean ok = false;
        long count = 0;
        try {
            long storedLength = cipher.storedSize(length);
            if (reopenable) {
                store.put(key, hashed, storedLength);
            } else {
                try (InputStream in = hashed.open()) {
                    store.put(key, in, storedLength);
                }
            }
            Hashed h = last.get();
            h.stream.finish();
            count = h.stream.count();
            if (count != length) {
                throw new IntegrityException("artifact '" + path + "' yielded " + count + " bytes, "
                        + length + " were declared; nothing was stored");
            }
            // the store confirms the stored (encrypted) bytes it received; they were made from the bytes hashed
            StoreConfirmation confirmation = store.confirm(key, storedLength).orElse(null);
            if (confirmation == null) {
                ObjectInfo stored = store.stat(key).orElseThrow(() -> new IntegrityException(
                        "artifact '" + path + "' is not visible in " + store.describe()
                                + " right after it was written; check the store"));
                if (stored.size() != storedLength) {
                    throw new IntegrityException("artifact '" + path + "' was stored with " + stored.size()
                            + " bytes instead of " + storedLength + "; check the store");
                }
            }
            ArtifactEntry entry = new ArtifactEntry(path, kind, length,
                    HexFormat.of().formatHex(h.sha.digest()), source, attributes);
            synchronized (this) {
                entries.add(entry);
                if (confirmation != null) {
                    confirmations.put(path, confirmation);
                }
            }
            ok = true;
            LOG.debug("stored {} ({} bytes, sha256 {}) in set {}, confirmed by {}", path, length, entry.sha256(),
                    setId, confirmation == null ? "nothing yet" : confirmation.method());
            return entry;
        } catch (IOException e) {
            throw StorageException.permanent("storing artifact '" + path + "' failed: " + e.getMessage()
                    + "; nothing was stored", e);
        } finally {
            Hashed h = last.get();
            if (h != null) {
                h.stream.cancel();
                count = Math.max(count, h.stream.count());
            }
            Listeners.finished(repository.listener(), path, count, ok);
            if (!ok) {
                synchronized (this) {
                    pathsInFlight.remove(path);
                }
                repository.deleteQuietly(List.of(key));
            }
        }
    }

    private record Hashed(BackgroundHashing stream, MessageDigest sha) {
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * How the store confirmed each artifact stored so far without reading it back (see
     * {@link ObjectStore#confirm}). Artifacts the store could not confirm are missing from the map; they are read
     * back by {@link BackupRepository#confirm(Manifest, Map)}.
     *
     * @return artifact path to confirmation
     */
    public synchronized Map<String, StoreConfirmation> confirmations() {
        return Map.copyOf(confirmations);
    }

    /**
     * Streams one artifact into the set without attributes.
     *
     * @param path the artifact's path in the set
     * @param kind what it is
     * @param source where it comes from
     * @param content its bytes; the caller closes it
     * @param length the exact number of bytes
     * @return the recorded entry
     * @throws InvalidInputException if the path is invalid or already used
     * @throws BackupException if storing failed
     */
    public ArtifactEntry add(String path, ArtifactKind kind, ArtifactSource source, InputStream content,
            long length) {
        return add(path, kind, source, content, length, Map.of());
    }

    /**
     * Stores small in-memory content (a config file) as an artifact.
     *
     * @param path the artifact's path in the set
     * @param kind what it is
     * @param source where it comes from
     * @param content the bytes
     * @return the recorded entry
     */
    public ArtifactEntry add(String path, ArtifactKind kind, ArtifactSource source, byte[] content) {
        return add(path, kind, source, new ByteArrayInputStream(content), content.length, Map.of());
    }

    /**
     * Removes an artifact that was added but should not be part of the set after all.
     *
     * @param path the artifact's path
     */
    public synchronized void discard(String path) {
        checkOpen();
        if (entries.removeIf(e -> e.path().equals(path))) {
            pathsInFlight.remove(path);
            confirmations.remove(path);
            repository.deleteQuietly(List.of(repository.key(setId, path)));
        }
    }

    /**
     * Records a fact about an artifact that is known only after it was streamed (for example whether a snapshot zip
     * held the state file).
     *
     * @param path the artifact's path
     * @param key the attribute's key
     * @param value the attribute's value
     * @return the updated entry
     * @throws IllegalArgumentException if no artifact has that path
     */
    public synchronized ArtifactEntry annotate(String path, String key, String value) {
        checkOpen();
        for (int i = 0; i < entries.size(); i++) {
            ArtifactEntry e = entries.get(i);
            if (e.path().equals(path)) {
                Map<String, String> attrs = new java.util.TreeMap<>(e.attributes());
                attrs.put(key, value);
                ArtifactEntry updated = new ArtifactEntry(e.path(), e.kind(), e.size(), e.sha256(), e.source(), attrs);
                entries.set(i, updated);
                return updated;
            }
        }
        throw new IllegalArgumentException("no artifact '" + path + "' in set " + setId);
    }

    /**
     * Adds a remark to the manifest.
     *
     * @param note a human-readable sentence
     */
    public synchronized void note(String note) {
        checkOpen();
        notes.add(note);
    }

    /**
     * The artifacts stored so far.
     *
     * @return a snapshot of the entries
     */
    public synchronized List<ArtifactEntry> artifacts() {
        return List.copyOf(entries);
    }

    /**
     * Writes the manifest, marking the set complete. After this the set exists.
     *
     * @return the manifest
     * @throws BackupException if the manifest could not be stored (the artifacts are then removed)
     */
    public Manifest commit() {
        return finish(true);
    }

    /**
     * Writes the manifest of a set that lacks something a restore needs, on explicit request. The reasons are
     * recorded as notes.
     *
     * @param reasons what is missing and why
     * @return the manifest, with {@code complete == false}
     */
    public Manifest commitIncomplete(List<String> reasons) {
        synchronized (this) {
            checkOpen();
            notes.addAll(reasons);
        }
        return finish(false);
    }

    private Manifest finish(boolean complete) {
        Manifest m;
        synchronized (this) {
            checkOpen();
            m = new Manifest(Manifest.SCHEMA_VERSION, setId, createdAt, BackupRepository.libraryVersion(),
                    metadata, complete, notes, entries);
            finished = true;
        }
        byte[] json = repository.sealManifest(setId, createdAt, cipher, ManifestCodec.write(m));
        String key = repository.key(setId, BackupRepository.MANIFEST_NAME);
        try {
            repository.store().put(key, new ByteArrayInputStream(json), json.length);
        } catch (RuntimeException e) {
            abortQuietly();
            throw e;
        }
        LOG.info("committed backup set {} ({} artifacts, {} bytes, complete={})", setId, m.artifacts().size(),
                m.totalBytes(), complete);
        return m;
    }

    /** Removes every artifact written so far; the set never comes into existence. */
    public void abort() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        abortQuietly();
    }

    private void abortQuietly() {
        List<String> keys;
        synchronized (this) {
            confirmations.clear();
            keys = entries.stream().map(e -> repository.key(setId, e.path())).toList();
        }
        repository.deleteQuietly(keys);
        LOG.info("aborted backup set {}; removed {} artifacts", setId, keys.size());
    }

    /** Aborts the set unless it was committed. */
    @Override
    public void close() {
        abort();
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("backup set " + setId + " is already committed or aborted");
        }
    }
}
