package dev.rkebackup.core.storage;

import java.net.URI;
import java.util.Set;

/**
 * Creates {@link ObjectStore}s for URI schemes. Providers register an implementation with {@link java.util.ServiceLoader}
 * in {@code META-INF/services/dev.rkebackup.core.storage.ObjectStoreFactory}; {@link ObjectStores#open(String)} finds
 * them. A store built by the caller and passed in directly always wins over discovery.
 */
public interface ObjectStoreFactory {
    /**
     * The URI schemes this factory handles, lower case, such as {@code file} or {@code s3}.
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Creates a store for a URI.
     *
     * @param uri a URI with one of {@link #schemes()}
     * @return a new store; the caller closes it
     * @throws dev.rkebackup.core.InvalidInputException if the URI is malformed or lacks a required part
     * @throws dev.rkebackup.core.StorageException if the store cannot be reached or created
     */
    ObjectStore create(URI uri);
}
