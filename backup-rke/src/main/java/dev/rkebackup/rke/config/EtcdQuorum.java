package dev.rkebackup.rke.config;

/**
 * The etcd quorum arithmetic for a cluster: majority = floor(n/2)+1, tolerated failures = n - majority
 * (1→0, 2→0, 3→1, 4→1, 5→2, 6→2, 7→3, 8→3, 9→4). An even member count adds no fault tolerance over the odd count
 * below it.
 *
 * @param members number of etcd members, &gt;= 0
 * @param majority members that must be up for etcd to work (0 for no members)
 * @param faultTolerance members that may fail without losing quorum
 */
public record EtcdQuorum(int members, int majority, int faultTolerance) {
    /** Checks that the numbers follow the rule. */
    public EtcdQuorum {
        if (members < 0) {
            throw new IllegalArgumentException("members must be >= 0: " + members);
        }
        int expectedMajority = members == 0 ? 0 : members / 2 + 1;
        if (majority != expectedMajority || faultTolerance != members - expectedMajority) {
            throw new IllegalArgumentException("inconsistent quorum for " + members + " members: majority "
                    + majority + ", fault tolerance " + faultTolerance);
        }
    }

    /**
     * Computes the quorum of {@code members} etcd members.
     *
     * @param members member count, &gt;= 0
     * @return the quorum
     * @throws IllegalArgumentException if {@code members} is negative
     */
    public static EtcdQuorum of(int members) {
        if (members < 0) {
            throw new IllegalArgumentException("members must be >= 0: " + members);
        }
        int majority = members == 0 ? 0 : members / 2 + 1;
        return new EtcdQuorum(members, majority, members - majority);
    }

    /** @return true for an even, non-zero member count (no gain in fault tolerance over one member fewer) */
    public boolean isEven() {
        return members > 0 && members % 2 == 0;
    }
}
