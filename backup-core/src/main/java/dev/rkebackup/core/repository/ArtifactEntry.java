package dev.rkebackup.core.repository;

import dev.rkebackup.core.storage.ObjectKeys;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One artifact as recorded in a manifest: measured while it was stored, never by a second read.
 *
 * @param path the artifact's path inside its set, a valid object key such as {@code snapshots/etcd1/x.zip}
 * @param kind what the artifact is
 * @param size its size in bytes
 * @param sha256 its SHA-256, 64 lower-case hex digits
 * @param source where it was copied from
 * @param attributes free-form facts about the artifact (for example whether a snapshot zip holds the state file)
 */
public record ArtifactEntry(String path, ArtifactKind kind, long size, String sha256, ArtifactSource source,
        Map<String, String> attributes) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Validates the fields and copies the attributes. */
    public ArtifactEntry {
        ObjectKeys.validate(path);
        if (path.equals(BackupRepository.MANIFEST_NAME)) {
            throw new IllegalArgumentException("artifact path '" + path + "' is reserved for the manifest");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
        attributes = Map.copyOf(attributes);
    }
}
