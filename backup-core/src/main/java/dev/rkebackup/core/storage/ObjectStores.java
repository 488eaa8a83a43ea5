package dev.rkebackup.core.storage;

import dev.rkebackup.core.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens an {@link ObjectStore} from a location string, finding the provider by URI scheme through
 * {@link ServiceLoader}. Plain paths ({@code /backups}, {@code ./backups}, {@code C:\backups}) and {@code file:} URIs
 * open a {@link FileSystemObjectStore}; {@code s3://} needs {@code backup-s3} on the class path.
 *
 * <pre>{@code
 * try (ObjectStore store = ObjectStores.open("s3://backups/rke?endpoint=https://minio:9000")) { ... }
 * }</pre>
 */
public final class ObjectStores {
    private ObjectStores() {
    }

    /**
     * Opens a store for a location.
     *
     * @param location a URI such as {@code file:///backups} or {@code s3://bucket/prefix}, or a plain path
     * @return a new store; the caller closes it
     * @throws InvalidInputException if the location is malformed or no provider handles its scheme
     */
    public static ObjectStore open(String location) {
        return open(location, ObjectStores.class.getClassLoader());
    }

    /**
     * Opens a store for a location, looking for providers with the given class loader.
     *
     * @param location a URI or a plain path
     * @param loader where to look for {@link ObjectStoreFactory} providers
     * @return a new store; the caller closes it
     * @throws InvalidInputException if the location is malformed, no provider or more than one claims its scheme
     */
    public static ObjectStore open(String location, ClassLoader loader) {
        if (location == null || location.isBlank()) {
            throw new InvalidInputException("no store location given; pass a path or a URI such as file:///backups");
        }
        String scheme = schemeOf(location);
        if (scheme == null) {
            return FileSystemObjectStore.create(Path.of(location));
        }
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("store location is not a valid URI: " + e.getMessage()
                    + "; percent-encode special characters in query values");
        }
        List<ObjectStoreFactory> matches = new ArrayList<>();
        TreeSet<String> known = new TreeSet<>();
        for (ObjectStoreFactory f : ServiceLoader.load(ObjectStoreFactory.class, loader)) {
            known.addAll(f.schemes());
            if (f.schemes().contains(scheme)) {
                matches.add(f);
            }
        }
        if (matches.isEmpty()) {
            throw new InvalidInputException("no store provider for scheme '" + scheme + "' (known: " + known
                    + "); for s3:// add the backup-s3 module to the class path");
        }
        if (matches.size() > 1) {
            List<String> names = matches.stream().map(f -> f.getClass().getName()).toList();
            throw new InvalidInputException("more than one store provider claims scheme '" + scheme + "': " + names
                    + "; remove one of them from the class path, or build the store yourself and pass it in");
        }
        return matches.get(0).create(uri);
    }

    /** Returns the lower-case scheme, or null when the location is a plain path (including Windows drive paths). */
    static String schemeOf(String location) {
        int colon = location.indexOf(':');
        if (colon < 2) { // no scheme, or a drive letter such as C:
            return null;
        }
        String candidate = location.substring(0, colon);
        if (!candidate.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return null;
        }
        return candidate.toLowerCase(Locale.ROOT);
    }
}
