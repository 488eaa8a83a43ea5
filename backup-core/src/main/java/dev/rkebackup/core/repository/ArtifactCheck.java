package dev.rkebackup.core.repository;

import dev.rkebackup.core.storage.StoreConfirmation;
import java.util.Objects;

/**
 * The result of re-reading one artifact.
 *
 * @param path the artifact's path in the set
 * @param status what was found
 * @param detail a human-readable explanation, empty when OK (or how the store confirmed it)
 * @param method how the artifact was checked: {@value StoreConfirmation#READ_BACK} (downloaded and hashed),
 *               {@value #STAT} (only its presence and size, when its data was not in a sampled subset), or the
 *               {@link StoreConfirmation#method()} of the store's own record
 */
public record ArtifactCheck(String path, Status status, String detail, String method) {
    /** The method of a check that looked only at the object's presence and size. */
    public static final String STAT = "stat";

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
        Objects.requireNonNull(method, "method");
    }

    /**
     * A check made by reading the artifact back.
     *
     * @param path the artifact's path in the set
     * @param status what was found
     * @param detail a human-readable explanation, empty when OK
     */
    public ArtifactCheck(String path, Status status, String detail) {
        this(path, status, detail, StoreConfirmation.READ_BACK);
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
