package dev.rkebackup.etcd;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one etcd member said about itself (etcd's {@code Status} call), or why it could not be asked.
 *
 * @param host the node's address as the cluster config names it
 * @param endpoint where it was reached, for messages ({@code https://10.0.0.1:2379}, or via SSH)
 * @param reachable whether the member answered
 * @param clusterId the etcd cluster id (0 when unreachable)
 * @param memberId the member id (0 when unreachable)
 * @param revision the member's current revision
 * @param raftIndex its raft index
 * @param raftTerm its raft term
 * @param leader the member id it considers leader (0 = none)
 * @param dbSize its backend size in bytes
 * @param version the etcd server version
 * @param errors the errors etcd reports (alarms such as {@code NOSPACE}, corruption)
 * @param problem why it could not be asked, {@code ""} when reachable
 */
public record MemberStatus(String host, String endpoint, boolean reachable, long clusterId, long memberId,
        long revision, long raftIndex, long raftTerm, long leader, long dbSize, String version, List<String> errors,
        String problem) {
    /** Validates and copies. */
    public MemberStatus {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(problem, "problem");
        errors = List.copyOf(errors);
    }

    static MemberStatus unreachable(String host, String endpoint, String problem) {
        return new MemberStatus(host, endpoint, false, 0, 0, 0, 0, 0, 0, 0, "", List.of(), problem);
    }

    /**
     * Whether this member is the leader.
     *
     * @return true when it names itself as leader
     */
    public boolean isLeader() {
        return reachable && leader != 0 && leader == memberId;
    }

    /**
     * The cluster id as etcd prints it (hex).
     *
     * @return the id, or empty when unreachable
     */
    public Optional<String> clusterIdHex() {
        return reachable ? Optional.of(hex(clusterId)) : Optional.empty();
    }

    /**
     * The member id as etcd prints it (hex).
     *
     * @return the id, or empty when unreachable
     */
    public Optional<String> memberIdHex() {
        return reachable ? Optional.of(hex(memberId)) : Optional.empty();
    }

    static String hex(long id) {
        return Long.toHexString(id);
    }
}
