package dev.rkebackup.etcd;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the etcd members agree before a snapshot: every reachable member belongs to one cluster, and
 * {@code hashKV} at one common revision gives the same hash on all of them (etcd's own corruption check).
 *
 * @param members each member's status, in config order
 * @param clusterId the cluster id the majority reports (hex), {@code ""} when no member answered
 * @param revision the common revision the hashes were taken at (0 when not compared)
 * @param hashes member id (hex) to hashKV at {@link #revision}
 * @param problems what prevents agreement (a foreign member, differing hashes, too few members); empty when ok
 * @param warnings what does not prevent a snapshot but must be recorded (an unreachable member)
 */
public record MemberAgreement(List<MemberStatus> members, String clusterId, long revision, Map<String, Long> hashes,
        List<String> problems, List<String> warnings) {
    static final String NO_LEADER = "no answering member is the leader";

    /** Validates and copies. */
    public MemberAgreement {
        members = List.copyOf(members);
        Objects.requireNonNull(clusterId, "clusterId");
        hashes = Map.copyOf(hashes);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    /**
     * Whether a snapshot may be taken.
     *
     * @return true without problems
     */
    public boolean ok() {
        return problems.isEmpty();
    }

    boolean leaderless() {
        return problems.stream().anyMatch(p -> p.startsWith(NO_LEADER));
    }

    /**
     * One line per member plus the verdict, for reports.
     *
     * @return the text
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (MemberStatus m : members) {
            b.append("  ").append(m.host()).append(" (").append(m.endpoint()).append("): ");
            if (!m.reachable()) {
                b.append("unreachable - ").append(m.problem());
            } else {
                b.append("cluster ").append(MemberStatus.hex(m.clusterId())).append(", member ")
                        .append(MemberStatus.hex(m.memberId())).append(", revision ").append(m.revision())
                        .append(", raft index ").append(m.raftIndex()).append(m.isLeader() ? ", leader" : "")
                        .append(m.leader() == 0 ? ", NO LEADER" : "");
                Long h = hashes.get(MemberStatus.hex(m.memberId()));
                if (h != null) {
                    b.append(", hashKV@").append(revision).append(' ').append(Integer.toUnsignedString(h.intValue()));
                }
                if (!m.errors().isEmpty()) {
                    b.append(", errors ").append(m.errors());
                }
            }
            b.append('\n');
        }
        problems.forEach(p -> b.append("  problem: ").append(p).append('\n'));
        warnings.forEach(w -> b.append("  warning: ").append(w).append('\n'));
        return b.toString();
    }
}
