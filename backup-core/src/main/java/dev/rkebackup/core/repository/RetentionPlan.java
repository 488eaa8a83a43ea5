package dev.rkebackup.core.repository;

import java.util.List;
import java.util.Objects;

/**
 * What applying a {@link RetentionPolicy} would do: shown before it is applied (dry run), then passed to
 * {@link BackupRepository#applyRetention(RetentionPlan)}.
 *
 * @param decisions one decision per readable set, newest first
 */
public record RetentionPlan(List<Decision> decisions) {
    /**
     * One set's fate.
     *
     * @param manifest the set
     * @param keep whether it is kept
     * @param reasons why it is kept (rules that matched), empty when it is removed
     */
    public record Decision(Manifest manifest, boolean keep, List<String> reasons) {
        /** Validates the fields. */
        public Decision {
            Objects.requireNonNull(manifest, "manifest");
            reasons = List.copyOf(reasons);
        }
    }

    /** Copies the list. */
    public RetentionPlan {
        decisions = List.copyOf(decisions);
    }

    /**
     * The ids of the sets that are kept.
     *
     * @return set ids, newest first
     */
    public List<String> kept() {
        return decisions.stream().filter(Decision::keep).map(d -> d.manifest().setId()).toList();
    }

    /**
     * The ids of the sets that would be removed.
     *
     * @return set ids, newest first
     */
    public List<String> removed() {
        return decisions.stream().filter(d -> !d.keep()).map(d -> d.manifest().setId()).toList();
    }
}
