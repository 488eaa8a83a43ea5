package dev.rkebackup.rke.snapshot;

/** How an etcd snapshot file is laid out on an RKE etcd node (see the RKE facts, section 4.1). */
public enum SnapshotLayout {
    /** RKE v0.1.7 to v0.2.4: the bare etcd snapshot file {@code <name>}, no extension. */
    PLAIN,
    /**
     * RKE v0.2.5 and later: {@code <name>.zip} holding the snapshot as entry {@code /backup/<name>} and, when present,
     * the cluster state as {@code /etc/kubernetes/<name>.rkestate} (entry names start with a slash).
     */
    RKE_ZIP
}
