package dev.rkebackup.crypto;

import java.time.Instant;
import java.util.Objects;

/**
 * One key object of a repository, as {@code key list} shows it. Holds no secret.
 *
 * @param id the key's id
 * @param type {@code password} or {@code age}
 * @param createdAt when it was written
 * @param detail KDF parameters, or the age file's name; for a damaged key object, what is wrong
 * @param usable false if the key object is damaged or belongs to another repository
 */
public record KeyInfo(String id, String type, Instant createdAt, String detail, boolean usable) {
    /** Checks the fields. */
    public KeyInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(detail, "detail");
    }
}
