package dev.rkebackup.core.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows about one object.
 *
 * @param key the object's key, validated by {@link ObjectKeys#validate(String)}
 * @param size the size in bytes, never negative
 * @param lastModified when the object was last written
 */
public record ObjectInfo(String key, long size, Instant lastModified) {
    /** Validates the fields. */
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
