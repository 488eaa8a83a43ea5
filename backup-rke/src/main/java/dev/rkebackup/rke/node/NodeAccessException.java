package dev.rkebackup.rke.node;

import dev.rkebackup.core.StorageException;
import java.util.Objects;

/**
 * A node could not be reached or a file on it could not be read or written. {@link #problem()} classifies the
 * failure so a caller can decide what to do (e.g. take the snapshot from the next node); the message says what failed,
 * on which node and file, and what to do. Messages never contain key material or file content.
 */
public class NodeAccessException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final Problem problem;
    private final String node;

    /**
     * Creates a failure.
     *
     * @param problem the classification
     * @param node description of the node (see {@link NodeAccess#describe()})
     * @param message what failed and what to do
     * @param cause the underlying failure, may be null
     */
    public NodeAccessException(Problem problem, String node, String message, Throwable cause) {
        super(message, cause, Objects.requireNonNull(problem, "problem").retryable);
        this.problem = problem;
        this.node = Objects.requireNonNull(node, "node");
    }

    /**
     * The classification of the failure.
     *
     * @return the problem
     */
    public Problem problem() {
        return problem;
    }

    /**
     * The node the failure happened on.
     *
     * @return the node description
     */
    public String node() {
        return node;
    }

    /** Kinds of node access failures. */
    public enum Problem {
        /** Connection refused, timed out, or the name does not resolve. */
        UNREACHABLE(true),
        /** The server refused every key offered (or the key cannot be used, e.g. it needs a passphrase). */
        AUTH_REFUSED(false),
        /** The host key differs from the one in the known-hosts file: possible man-in-the-middle. */
        HOST_KEY_CHANGED(false),
        /** The host is not in the known-hosts file. */
        HOST_KEY_UNKNOWN(false),
        /** The login user may not read or write the file, and sudo is not allowed or not possible. */
        PERMISSION_DENIED(false),
        /** The file or directory does not exist. */
        NOT_FOUND(false),
        /** A different file already has the target name and replacing it was not allowed. */
        ALREADY_EXISTS(false),
        /** The node's file system is full. */
        NO_SPACE(false),
        /** The connection broke during a transfer; the data read or written is incomplete. */
        CONNECTION_LOST(true),
        /** Any other I/O failure. */
        IO(true);

        private final boolean retryable;

        Problem(boolean retryable) {
            this.retryable = retryable;
        }
    }
}
