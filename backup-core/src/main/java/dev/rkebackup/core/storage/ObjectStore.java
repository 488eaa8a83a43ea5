package dev.rkebackup.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The small, dumb storage layer: put, open, stat, list and delete objects by key. Everything that is the same for
 * every store (layout, manifests, verification, retention) lives in
 * {@link dev.rkebackup.core.repository.BackupRepository}, so a new provider stays a small piece of work.
 *
 * <h2>Contract (checked by {@code ObjectStoreContractTest} in the core test-jar)</h2>
 * <ul>
 *   <li>Every key and prefix is checked with {@link ObjectKeys}; a bad one throws
 *       {@link dev.rkebackup.core.InvalidInputException} before anything is touched.</li>
 *   <li>{@link #put} is atomic: readers see the old object, no object, or the whole new one, never a part.
 *       When {@code put} throws, nothing is left visible under the key that was not there before.</li>
 *   <li>{@link #list} returns every object whose key starts with the prefix, sorted by key (UTF-16 order of
 *       {@link String#compareTo}), including keys in "sub-directories".</li>
 *   <li>Implementations are thread-safe: concurrent calls on different keys do not interfere.</li>
 *   <li>Failures are {@link dev.rkebackup.core.StorageException}s (not-found:
 *       {@link dev.rkebackup.core.ObjectNotFoundException}) whose messages name the key and the store and never
 *       contain credentials.</li>
 * </ul>
 *
 * <p>Optional abilities are default methods, so a store that has none of them still compiles and works:
 * {@link #put(String, ReopenableContent, long)} (resend a body from its source), {@link #confirm} (confirm a write
 * from the store's own record instead of reading it back) and {@link #openRange} with
 * {@link #prefersParallelRangedReads()} (parallel downloads). A store that wraps another forwards them.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Stores {@code length} bytes read from {@code content} under {@code key}, replacing any existing object.
     * The stream is read exactly to {@code length} bytes; a stream that ends early or has more bytes fails the put.
     * The caller owns and closes {@code content}.
     *
     * @param key the object's key
     * @param content the bytes to store
     * @param length the exact number of bytes {@code content} yields
     * @throws dev.rkebackup.core.InvalidInputException if the key is invalid or the length negative
     * @throws dev.rkebackup.core.StorageException if the object could not be stored; nothing is left visible
     */
    void put(String key, InputStream content, long length);

    /**
     * Opens an object for reading. The caller must close the returned stream.
     *
     * @param key the object's key
     * @return a stream of the object's bytes
     * @throws dev.rkebackup.core.ObjectNotFoundException if there is no such object
     * @throws dev.rkebackup.core.StorageException if it cannot be read
     */
    InputStream open(String key);

    /**
     * Looks up an object's size and modification time.
     *
     * @param key the object's key
     * @return the object's info, or empty when it does not exist
     * @throws dev.rkebackup.core.StorageException if the store cannot be asked
     */
    Optional<ObjectInfo> stat(String key);

    /**
     * Lists every object whose key starts with {@code prefix}, sorted by key.
     *
     * @param prefix a key prefix; {@code ""} lists everything
     * @return the objects, sorted by key; empty when there are none
     * @throws dev.rkebackup.core.StorageException if the store cannot be listed
     */
    List<ObjectInfo> list(String prefix);

    /**
     * Deletes objects. Keys that do not exist are ignored.
     *
     * @param keys the keys to delete
     * @throws dev.rkebackup.core.StorageException if an existing object could not be deleted
     */
    void delete(Collection<String> keys);

    /**
     * Stores content that can be opened again, so that a body that failed on the way can be resent from its source
     * (a store may then send one large request instead of buffered parts). Same contract as
     * {@link #put(String, InputStream, long)}; by default it opens the content once and calls that.
     *
     * @param key the object's key
     * @param content the bytes to store; every stream the store opens it closes
     * @param length the exact number of bytes the content yields
     * @throws dev.rkebackup.core.InvalidInputException if the key is invalid or the length negative
     * @throws dev.rkebackup.core.StorageException if the object could not be stored; nothing is left visible
     */
    default void put(String key, ReopenableContent content, long length) {
        try (InputStream in = content.open()) {
            put(key, in, length);
        } catch (IOException e) {
            throw dev.rkebackup.core.StorageException.permanent("cannot read the content for '" + key + "': " + e
                    + "; nothing was stored", e);
        }
    }

    /**
     * Confirms, from the store's own record and without reading the object, that the object this store instance
     * has just written under {@code key} holds exactly the bytes that were put (for example: the MD5 or CRC the
     * server computed for what it received equals the one computed while sending; a local file forced to disk has
     * the right size). Call it right after a successful put of that key. A store that cannot confirm returns empty,
     * and the caller reads the object back instead. By default: empty.
     *
     * @param key the object's key
     * @param length the number of bytes that were put
     * @return how the object was confirmed, or empty when this store cannot confirm it
     * @throws dev.rkebackup.core.IntegrityException if the store's record contradicts what was put
     * @throws dev.rkebackup.core.StorageException if the store cannot be asked
     */
    default Optional<StoreConfirmation> confirm(String key, long length) {
        return Optional.empty();
    }

    /**
     * Opens {@code length} bytes of an object starting at {@code offset}. The caller closes the stream. By default
     * the object is opened and read up to the offset.
     *
     * @param key the object's key
     * @param offset the first byte, at least 0
     * @param length how many bytes, at least 0; the range must lie inside the object
     * @return a stream of exactly those bytes (fewer only if the object is shorter than the range)
     * @throws dev.rkebackup.core.ObjectNotFoundException if there is no such object
     * @throws dev.rkebackup.core.StorageException if it cannot be read
     */
    default InputStream openRange(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        InputStream in = open(key);
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the read failure is the one reported
            }
            throw dev.rkebackup.core.StorageException.retryable("cannot read '" + key + "' from byte " + offset
                    + ": " + e.getMessage(), e);
        }
        return new BoundedInputStream(in, length);
    }

    /**
     * Tells whether reading a large object as several ranges at once ({@link #openRange}) is faster than one stream,
     * as it is for object stores over a network. By default: false.
     *
     * @return true if callers should read large objects in parallel ranges
     */
    default boolean prefersParallelRangedReads() {
        return false;
    }

    /**
     * Describes where this store keeps its objects, for messages and logs. Never contains a credential.
     *
     * @return for example {@code file:/backups} or {@code s3://bucket/prefix (endpoint https://host)}
     */
    String describe();

    /** Releases connections and threads. Does not throw checked exceptions. */
    @Override
    void close();
}
