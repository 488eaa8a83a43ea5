package dev.rkebackup.core.repository;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The manifest of a committed backup set: what the set is and exactly which bytes belong to it. It is written last;
 * a set without a readable manifest does not exist.
 *
 * @param schemaVersion the manifest format version ({@value #SCHEMA_VERSION} for this library)
 * @param setId the set's identifier, such as {@code 20261126T110500Z-3f9a1c}
 * @param createdAt when the set was started, UTC
 * @param libraryVersion the rke-backup version that wrote the set
 * @param metadata cluster name, RKE version, config generation and labels
 * @param complete false when the set was stored on purpose without something a restore needs
 * @param notes human-readable remarks (what is missing, where a fallback was used)
 * @param artifacts the artifacts, in the order they were stored
 */
public record Manifest(int schemaVersion, String setId, Instant createdAt, String libraryVersion,
        SetMetadata metadata, boolean complete, List<String> notes, List<ArtifactEntry> artifacts) {
    /** The manifest format this library writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    /** Validates the fields and copies the lists. */
    public Manifest {
        Objects.requireNonNull(setId, "setId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(libraryVersion, "libraryVersion");
        Objects.requireNonNull(metadata, "metadata");
        notes = List.copyOf(notes);
        artifacts = List.copyOf(artifacts);
    }

    /**
     * Finds an artifact by its path in the set.
     *
     * @param path the artifact's path
     * @return the entry, or empty
     */
    public Optional<ArtifactEntry> artifact(String path) {
        return artifacts.stream().filter(a -> a.path().equals(path)).findFirst();
    }

    /**
     * The artifacts of one kind.
     *
     * @param kind the kind
     * @return the entries, possibly empty
     */
    public List<ArtifactEntry> artifacts(ArtifactKind kind) {
        return artifacts.stream().filter(a -> a.kind().equals(kind)).toList();
    }

    /**
     * The sum of all artifact sizes.
     *
     * @return bytes
     */
    public long totalBytes() {
        return artifacts.stream().mapToLong(ArtifactEntry::size).sum();
    }
}
