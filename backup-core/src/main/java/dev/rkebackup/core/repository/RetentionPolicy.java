package dev.rkebackup.core.repository;

import java.time.Duration;
import java.util.Objects;

/**
 * Which backup sets to keep. A set is kept if any rule keeps it; the newest complete set is always kept. All
 * calendar rules use UTC. Counts of 0 disable a rule; {@link Duration#ZERO} disables {@code keepWithin}. Build one
 * by naming its rules:
 *
 * <pre>{@code
 * RetentionPolicy p = RetentionPolicy.builder().keepLast(10).keepWithin(Duration.ofDays(7)).keepMonthly(6).build();
 * }</pre>
 *
 * @param keepLast keep the N newest sets
 * @param keepWithin keep sets younger than this
 * @param keepDaily keep the newest set of each of the N newest calendar days that have sets
 * @param keepWeekly the same per ISO week
 * @param keepMonthly the same per calendar month
 */
public record RetentionPolicy(int keepLast, Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly) {
    /**
     * Validates the fields.
     *
     * @deprecated positional: use {@link #builder()}, which names each rule
     */
    @Deprecated
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
        return builder().keepLast(n).build();
    }

    /**
     * A policy that keeps sets younger than a duration.
     *
     * @param d the age limit
     * @return the policy
     */
    public static RetentionPolicy keepWithin(Duration d) {
        return builder().keepWithin(d).build();
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

    /**
     * Starts a policy with every rule disabled.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this policy's rules.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return new Builder().keepLast(keepLast).keepWithin(keepWithin).keepDaily(keepDaily).keepWeekly(keepWeekly)
                .keepMonthly(keepMonthly);
    }

    /** Builds a {@link RetentionPolicy} rule by rule; rules not set stay disabled. Not thread-safe. */
    public static final class Builder {
        private int keepLast;
        private Duration keepWithin = Duration.ZERO;
        private int keepDaily;
        private int keepWeekly;
        private int keepMonthly;

        private Builder() {
        }

        /**
         * Keeps the N newest sets.
         *
         * @param n how many; 0 disables the rule
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder keepLast(int n) {
            this.keepLast = count("keepLast", n);
            return this;
        }

        /**
         * Keeps sets younger than a duration.
         *
         * @param d the age limit; {@link Duration#ZERO} disables the rule
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder keepWithin(Duration d) {
            Objects.requireNonNull(d, "keepWithin");
            if (d.isNegative()) {
                throw new IllegalArgumentException("keepWithin must not be negative: " + d);
            }
            this.keepWithin = d;
            return this;
        }

        /**
         * Keeps the newest set of each of the N newest calendar days (UTC) that have sets.
         *
         * @param n how many days; 0 disables the rule
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder keepDaily(int n) {
            this.keepDaily = count("keepDaily", n);
            return this;
        }

        /**
         * Keeps the newest set of each of the N newest ISO weeks that have sets.
         *
         * @param n how many weeks; 0 disables the rule
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder keepWeekly(int n) {
            this.keepWeekly = count("keepWeekly", n);
            return this;
        }

        /**
         * Keeps the newest set of each of the N newest calendar months that have sets.
         *
         * @param n how many months; 0 disables the rule
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder keepMonthly(int n) {
            this.keepMonthly = count("keepMonthly", n);
            return this;
        }

        private static int count(String rule, int n) {
            if (n < 0) {
                throw new IllegalArgumentException(rule + " must not be negative: " + n);
            }
            return n;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         */
        @SuppressWarnings("deprecation")
        public RetentionPolicy build() {
            return new RetentionPolicy(keepLast, keepWithin, keepDaily, keepWeekly, keepMonthly);
        }
    }
}
