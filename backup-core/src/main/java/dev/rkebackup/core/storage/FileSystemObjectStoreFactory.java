package dev.rkebackup.core.storage;

import dev.rkebackup.core.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * Provider for {@code file:} locations: {@code file:///abs/path} and {@code file:relative/path}. Registered through
 * {@link java.util.ServiceLoader}.
 */
public final class FileSystemObjectStoreFactory implements ObjectStoreFactory {
    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public FileSystemObjectStoreFactory() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public ObjectStore create(URI uri) {
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new InvalidInputException("file store location '" + uri + "' must not have a query or fragment");
        }
        if (uri.isOpaque()) { // file:relative/path
            return FileSystemObjectStore.create(Path.of(uri.getSchemeSpecificPart()));
        }
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty() && !"localhost".equals(uri.getAuthority())) {
            throw new InvalidInputException("file store location '" + uri + "' names host '" + uri.getAuthority()
                    + "'; use file:///absolute/path (three slashes) for a local directory");
        }
        return FileSystemObjectStore.create(Path.of(uri.getPath()));
    }
}
