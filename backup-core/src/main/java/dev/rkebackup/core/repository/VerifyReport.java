package dev.rkebackup.core.repository;

import java.util.List;
import java.util.Objects;

/**
 * The result of verifying one backup set: one check per artifact in the manifest.
 *
 * @param setId the set
 * @param checks one entry per artifact, in manifest order
 */
public record VerifyReport(String setId, List<ArtifactCheck> checks) {
    /** Validates the fields and copies the list. */
    public VerifyReport {
        Objects.requireNonNull(setId, "setId");
        checks = List.copyOf(checks);
    }

    /**
     * Tells whether every artifact is intact.
     *
     * @return true only if all checks are OK
     */
    public boolean ok() {
        return checks.stream().allMatch(ArtifactCheck::ok);
    }

    /**
     * The checks that failed.
     *
     * @return the problems, empty when the set is OK
     */
    public List<ArtifactCheck> problems() {
        return checks.stream().filter(c -> !c.ok()).toList();
    }
}
