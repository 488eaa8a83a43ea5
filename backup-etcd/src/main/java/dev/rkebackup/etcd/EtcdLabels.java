package dev.rkebackup.etcd;

/**
 * Manifest labels (set metadata) and snapshot attributes that sets taken from the etcd API carry. All keys start
 * with {@code etcd.}.
 */
public final class EtcdLabels {
    /** How the snapshot was taken: {@value #SOURCE_ETCD_API}. */
    public static final String SOURCE = "etcd.source";
    /** Value of {@link #SOURCE} for snapshots read through the etcd v3 API. */
    public static final String SOURCE_ETCD_API = "etcd-api";
    /** The etcd cluster id, hex as etcdctl prints it. */
    public static final String CLUSTER_ID = "etcd.cluster-id";
    /** The revision the member reported just before the snapshot started (the snapshot's revision is at least this). */
    public static final String REVISION = "etcd.revision";
    /** The revision the member reported just after the snapshot ended (the snapshot's revision is at most this). */
    public static final String REVISION_MAX = "etcd.revision-max";
    /** The member the snapshot came from (node address). */
    public static final String MEMBER = "etcd.member";
    /** That member's id, hex. */
    public static final String MEMBER_ID = "etcd.member-id";
    /** The common revision the member hashes were taken at. */
    public static final String HASH_REVISION = "etcd.hash-revision";
    /** {@code <member id hex>=<hashKV>} for every member that answered, comma separated, sorted by member id. */
    public static final String MEMBER_HASHES = "etcd.member-hashes";

    private EtcdLabels() {
    }
}
