package dev.rkebackup.core.repository;

import java.util.Objects;

/**
 * A set whose manifest exists but cannot be read (damaged, truncated, newer schema). Such a set is never listed,
 * verified, fetched or deleted by retention; it is reported so that an operator can look at it.
 *
 * @param setId the set's directory name
 * @param reason why the manifest cannot be read
 */
public record UnreadableSet(String setId, String reason) {
    /** Validates the fields. */
    public UnreadableSet {
        Objects.requireNonNull(setId, "setId");
        Objects.requireNonNull(reason, "reason");
    }
}
