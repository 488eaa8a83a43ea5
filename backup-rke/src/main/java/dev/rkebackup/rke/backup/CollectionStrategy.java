package dev.rkebackup.rke.backup;

/** Which etcd nodes' snapshot copies go into a backup set. */
public enum CollectionStrategy {
    /** The first node (in cluster-config order) whose copy is intact; the next one when a copy is bad or missing. */
    FIRST_INTACT,
    /** Every node's copy that is intact, read from all nodes in parallel. */
    ALL_NODES
}
