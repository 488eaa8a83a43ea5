package dev.rkebackup.core.repository;

import java.time.Duration;
import java.util.Objects;

/**
 * Which backup sets to keep. A set is kept if any rule keeps it; the newest complete set is always kept. All
 * calendar rules use UTC. Counts of 0 disable a rule; {@link Duration#ZERO} disables {@code keepWithin}.
 *
 * @param keepLast keep the N newest sets
 * @param keepWithin keep sets younger than this
 * @param keepDaily keep the newest set of each of the N newest calendar days that have sets
 * @param keepWeekly the same per ISO week
 * @param keepMonthly the same per calendar month
 */
public record RetentionPolicy(int keepLast, Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly) {
    /** Validates the fields. */
    public RetentionPolicy {
        Objects.requireNonNull(keepWithin, "keepWithin");
        if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0 || keepWithin.isNegative()) {
            throw new IllegalArgumentException("retention counts and durations must not be negative");
        }
    }

    /**
     * A policy that keeps the N newest sets.
     *
     * @param n how many
     * @return the policy
     */
    public static RetentionPolicy keepLast(int n) {
        return new RetentionPolicy(n, Duration.ZERO, 0, 0, 0);
    }

    /**
     * A policy that keeps sets younger than a duration.
     *
     * @param d the age limit
     * @return the policy
     */
    public static RetentionPolicy keepWithin(Duration d) {
        return new RetentionPolicy(0, d, 0, 0, 0);
    }

    /**
     * Tells whether no rule is set. Applying such a policy would keep only the newest complete set, which is
     * rarely intended: front ends should refuse it.
     *
     * @return true when every rule is disabled
     */
    public boolean isEmpty() {
        return keepLast == 0 && keepWithin.isZero() && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0;
    }
}
