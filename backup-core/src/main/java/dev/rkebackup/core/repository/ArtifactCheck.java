package dev.rkebackup.core.repository;

import java.util.Objects;

/**
 * The result of re-reading one artifact.
 *
 * @param path the artifact's path in the set
 * @param status what was found
 * @param detail a human-readable explanation, empty when OK
 */
public record ArtifactCheck(String path, Status status, String detail) {
    /** What verification found for one artifact. */
    public enum Status {
        /** Size and SHA-256 match the manifest. */
        OK,
        /** The object is gone. */
        MISSING,
        /** The object's size differs from the manifest. */
        SIZE,
        /** Same size, different SHA-256. */
        CHECKSUM,
        /** The object could not be read (store error). */
        UNREADABLE,
        /** The object failed authentication (encrypted repository): modified, truncated, moved or swapped. */
        AUTHENTICATION;

        /**
         * The stable identifier used in JSON output ({@code missing}, {@code size}, {@code checksum}, ...).
         *
         * @return the identifier
         */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Validates the fields. */
    public ArtifactCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Tells whether the artifact is intact.
     *
     * @return true for {@link Status#OK}
     */
    public boolean ok() {
        return status == Status.OK;
    }
}
