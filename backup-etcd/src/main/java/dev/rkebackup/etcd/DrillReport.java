package dev.rkebackup.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a restore drill: every check with its verdict.
 *
 * @param setId the set that was drilled
 * @param checks the checks in the order they ran; the drill stops at the first failure that makes later checks
 *     meaningless
 * @param revision the revision the throwaway etcd reported (0 when it never answered)
 * @param keys the number of keys in it
 * @param elapsed how long the drill took
 */
public record DrillReport(String setId, List<Check> checks, long revision, long keys, Duration elapsed) {
    /** Validates and copies. */
    public DrillReport {
        Objects.requireNonNull(setId, "setId");
        checks = List.copyOf(checks);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * One check.
     *
     * @param name a stable short name ({@code verify}, {@code restore}, {@code healthy}, {@code revision}, ...)
     * @param ok whether it passed
     * @param detail what was found, or what failed and what to do
     */
    public record Check(String name, boolean ok, String detail) {
        /** Validates. */
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Whether the set restored and every check passed.
     *
     * @return true when there is at least one check and all passed
     */
    public boolean ok() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
    }

    /**
     * A text report, one line per check.
     *
     * @return the text
     */
    public String describe() {
        StringBuilder b = new StringBuilder("drill of set " + setId + ": " + (ok() ? "PASSED" : "FAILED") + " ("
                + elapsed.toMillis() + " ms)\n");
        for (Check c : checks) {
            b.append("  ").append(c.ok() ? "ok    " : "FAILED").append(' ').append(c.name()).append(": ")
                    .append(c.detail()).append('\n');
        }
        return b.toString();
    }
}
