package dev.rkebackup.etcd;

import dev.rkebackup.core.InvalidInputException;

/**
 * The cluster's etcd revision is lower than that of the newest stored set of the same cluster id: the cluster was
 * restored from an older snapshot, or the config points at the wrong cluster. Nothing was stored.
 */
public final class OlderRevisionException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final long revision;
    private final long storedRevision;
    private final String storedSet;

    OlderRevisionException(String clusterId, long revision, long storedRevision, String storedSet) {
        super("etcd cluster " + clusterId + " is at revision " + revision + ", lower than revision " + storedRevision
                + " of the stored set " + storedSet + ": the cluster was restored from an older snapshot, or this is"
                + " another cluster with the same id. Nothing was stored; if this is expected, run the backup again"
                + " with --allow-older-revision");
        this.revision = revision;
        this.storedRevision = storedRevision;
        this.storedSet = storedSet;
    }

    /**
     * The cluster's revision.
     *
     * @return it
     */
    public long revision() {
        return revision;
    }

    /**
     * The stored set's revision.
     *
     * @return it
     */
    public long storedRevision() {
        return storedRevision;
    }

    /**
     * The stored set with the higher revision.
     *
     * @return its id
     */
    public String storedSet() {
        return storedSet;
    }
}
