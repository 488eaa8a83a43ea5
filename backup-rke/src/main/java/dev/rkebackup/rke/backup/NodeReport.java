package dev.rkebackup.rke.backup;

import java.util.Objects;

/**
 * What collection or restore preparation found on one etcd node.
 *
 * @param host the node's address ({@code address:port} when several etcd nodes share one address)
 * @param status what happened
 * @param detail a human-readable explanation (what to do when it is not OK)
 */
public record NodeReport(String host, Status status, String detail) {
    /** What happened on one node. */
    public enum Status {
        /** The node's copy was stored (collection) or written and confirmed (restore preparation). */
        OK,
        /** The node already held an identical file (restore preparation). */
        UNCHANGED,
        /** The node was not needed: an earlier node's copy was used. */
        NOT_NEEDED,
        /** The snapshot file is not on the node. */
        MISSING,
        /** The node's copy failed the integrity check; it was not stored. */
        BAD_COPY,
        /** The node could not be reached, refused the login, or the transfer broke. */
        UNREACHABLE,
        /** Another failure (permissions, full disk, a different existing file). */
        FAILED;

        /**
         * The stable identifier used in JSON output.
         *
         * @return lower-case name with dashes
         */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Validates the fields. */
    public NodeReport {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }
}
