package dev.rkebackup.rke.node;

import java.util.Objects;

/**
 * What {@link NodeAccess#writeAtomically} did.
 *
 * @param path the final path on the node
 * @param size bytes written
 * @param sha256 lowercase hex SHA-256 of the bytes written, computed while sending them
 * @param outcome whether the file was created, replaced, or already there with the same content
 */
public record WriteResult(String path, long size, String sha256, Outcome outcome) {

    /** Validates the components. */
    public WriteResult {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** What happened to the target name. */
    public enum Outcome {
        /** No file had the name before. */
        CREATED,
        /** A different file had the name and was replaced, as the caller allowed. */
        REPLACED,
        /** An identical file (same size and SHA-256) was already there; it was left as it was. */
        UNCHANGED
    }
}
