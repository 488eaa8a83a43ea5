package dev.rkebackup.core.repository;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Artifacts under a set directory that has no manifest: an interrupted backup. Removed only on explicit request,
 * through {@link BackupRepository#deleteOrphans(List)}.
 *
 * @param setId the set's directory name
 * @param keys the object keys found there
 * @param lastModified the newest modification time among them
 * @param bytes their total size
 */
public record OrphanSet(String setId, List<String> keys, Instant lastModified, long bytes) {
    /** Validates the fields and copies the list. */
    public OrphanSet {
        Objects.requireNonNull(setId, "setId");
        Objects.requireNonNull(lastModified, "lastModified");
        keys = List.copyOf(keys);
    }
}
