package dev.rkebackup.core.repository;

import java.util.Objects;
import java.util.Optional;

/**
 * Where an artifact came from: a path on a node reached over the network, or a local path.
 *
 * @param host the node's address, or {@code ""} for a file on the machine running the backup
 * @param path the file's path on that machine (or the object key it was imported from)
 */
public record ArtifactSource(String host, String path) {
    /** Validates the fields. */
    public ArtifactSource {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
    }

    /**
     * A file on the machine running the backup.
     *
     * @param path the local path
     * @return the source
     */
    public static ArtifactSource local(String path) {
        return new ArtifactSource("", path);
    }

    /**
     * A file on a remote node.
     *
     * @param host the node's address
     * @param path the path on the node
     * @return the source
     */
    public static ArtifactSource node(String host, String path) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty; use ArtifactSource.local for local files");
        }
        return new ArtifactSource(host, path);
    }

    /**
     * The node's address when the artifact came from a node.
     *
     * @return the host, or empty for local files
     */
    public Optional<String> remoteHost() {
        return host.isEmpty() ? Optional.empty() : Optional.of(host);
    }

    /** Returns {@code host:path}, or just the path for local files. */
    @Override
    public String toString() {
        return host.isEmpty() ? path : host + ":" + path;
    }
}
