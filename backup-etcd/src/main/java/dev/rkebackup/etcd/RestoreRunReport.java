package dev.rkebackup.etcd;

import java.util.List;
import java.util.Objects;

/**
 * What {@link EtcdRestore} did, step by step, and the cluster's health afterwards.
 *
 * @param setId the restored set
 * @param dryRun true when nothing was touched
 * @param steps every step in order with its outcome
 * @param members each etcd member's status after the restore (empty for a dry run or when the restore stopped
 *     before)
 * @param next what to do now, in CLI words
 */
public record RestoreRunReport(String setId, boolean dryRun, List<Step> steps, List<MemberStatus> members,
        String next) {
    /** Validates and copies. */
    public RestoreRunReport {
        Objects.requireNonNull(setId, "setId");
        steps = List.copyOf(steps);
        members = List.copyOf(members);
        Objects.requireNonNull(next, "next");
    }

    /** The outcome of one step. */
    public enum Outcome {
        /** Done (or, for a check, passed). */
        DONE,
        /** Failed; the restore stopped here. */
        FAILED,
        /** Not run (a dry run, or an earlier step failed). */
        PLANNED
    }

    /**
     * One step.
     *
     * @param name short stable name ({@code verify}, {@code prepare}, {@code rke}, {@code health})
     * @param outcome what happened
     * @param detail what it does or did
     */
    public record Step(String name, Outcome outcome, String detail) {
        /** Validates. */
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Whether every step is done (for a dry run: no check failed).
     *
     * @return the verdict
     */
    public boolean ok() {
        return steps.stream().noneMatch(s -> s.outcome() == Outcome.FAILED)
                && (dryRun || steps.stream().allMatch(s -> s.outcome() == Outcome.DONE));
    }

    /**
     * The report as text.
     *
     * @return the text
     */
    public String describe() {
        StringBuilder b = new StringBuilder((dryRun ? "restore plan" : "restore") + " of set " + setId + ": "
                + (dryRun ? (ok() ? "checks passed, nothing touched" : "a check FAILED") : ok() ? "DONE" : "STOPPED")
                + "\n");
        for (Step s : steps) {
            b.append("  ").append(String.format("%-7s", s.outcome().name().toLowerCase(java.util.Locale.ROOT)))
                    .append(' ').append(s.name()).append(": ").append(s.detail()).append('\n');
        }
        for (MemberStatus m : members) {
            b.append("  member ").append(m.host()).append(": ").append(m.reachable() ? "healthy, revision "
                    + m.revision() + (m.isLeader() ? ", leader" : "") : "NOT HEALTHY - " + m.problem()).append('\n');
        }
        if (!next.isEmpty()) {
            b.append("next: ").append(next).append('\n');
        }
        return b.toString();
    }
}
