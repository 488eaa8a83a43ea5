package dev.rkebackup.core.storage;

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
     * Describes where this store keeps its objects, for messages and logs. Never contains a credential.
     *
     * @return for example {@code file:/backups} or {@code s3://bucket/prefix (endpoint https://host)}
     */
    String describe();

    /** Releases connections and threads. Does not throw checked exceptions. */
    @Override
    void close();
}
