package dev.rkebackup.sftp.internal;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshKey;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/** Turns SSH and SFTP failures into {@link StorageException}s that say what failed and what to do. */
public final class SftpErrors {
    private SftpErrors() {
    }

    /**
     * A failure to connect or log in, in store words (the connector speaks of cluster nodes).
     *
     * @param e the connector's failure
     * @param endpoint the server
     * @param where the store's description
     * @return the exception to throw
     */
    static StorageException connectFailure(NodeAccessException e, NodeEndpoint endpoint, String where) {
        return switch (e.problem()) {
            case AUTH_REFUSED -> new StorageException("cannot open the SFTP store " + where + ": the server refused"
                    + " the SSH login of user '" + endpoint.user() + "' with " + describeKey(endpoint.key())
                    + "; add the public key to that user's ~/.ssh/authorized_keys on the server, or name another key"
                    + " with ?identity=FILE (or ?agent=true) in the sftp:// location", e, false);
            case HOST_KEY_UNKNOWN, HOST_KEY_CHANGED -> new StorageException("cannot open the SFTP store " + where
                    + ": " + e.getMessage().replace("node " + endpoint.describe(), "the SFTP server")
                    .replace("on the node", "on the server")
                    + " (or name another file with ?known-hosts=FILE)", e, false);
            default -> new StorageException("cannot open the SFTP store " + where + ": "
                    + e.getMessage().replace("node " + endpoint.describe(), "the SFTP server")
                    .replace("the node", "the server"), e, e.isRetryable());
        };
    }

    private static String describeKey(SshKey key) {
        if (key instanceof SshKey.File f) {
            return "key file " + f.path();
        }
        return key instanceof SshKey.Agent ? "the keys of the SSH agent" : "the given key";
    }

    /**
     * Whether a failure broke the connection itself (the connection must not be reused).
     *
     * @param e the failure
     * @return true for transport failures
     */
    public static boolean isTransport(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SftpException) {
                return false;
            }
            if (c instanceof EOFException || c instanceof SocketException || c instanceof ClosedChannelException
                    || c instanceof SshException || c instanceof InterruptedIOException) {
                return true;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("closed") || m.contains("closing") || m.contains("broken pipe")
                    || m.contains("connection reset")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Classifies a failed operation.
     *
     * @param op what was done, e.g. "write"
     * @param what the key or path
     * @param where the store's description
     * @param user the login user
     * @param e the failure
     * @param noSpace whether the server's file system was found full
     * @return the exception to throw
     */
    public static StorageException operation(String op, String what, String where, String user, Throwable e,
            boolean noSpace) {
        if (e instanceof StorageException se) {
            return se;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (noSpace || isNoSpace(e)) {
            return new StorageException("cannot " + op + " '" + what + "' in " + where + ": the server's disk is"
                    + " full; free space there or choose another store. Nothing was stored under that name", e,
                    false);
        }
        if (e instanceof SftpException sx) {
            switch (sx.getStatus()) {
                case SftpConstants.SSH_FX_PERMISSION_DENIED:
                    return new StorageException("cannot " + op + " '" + what + "' in " + where + ": user '" + user
                            + "' has no permission there; make the directory writable for that user on the server"
                            + " or choose another path in the sftp:// location", e, false);
                case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM:
                case SftpConstants.SSH_FX_QUOTA_EXCEEDED:
                    return operation(op, what, where, user, e, true);
                case SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY:
                case SftpConstants.SSH_FX_NOT_A_DIRECTORY:
                    return new StorageException("cannot " + op + " '" + what + "' in " + where + ": a file stands"
                            + " where a directory is needed, or the other way round (" + msg + "); choose another"
                            + " path", e, false);
                default:
                    return new StorageException("cannot " + op + " '" + what + "' in " + where + ": the SFTP server"
                            + " answered '" + msg + "' (status " + sx.getStatus() + ")", e, true);
            }
        }
        if (isTransport(e)) {
            return new StorageException("the connection to " + where + " broke while trying to " + op + " '" + what
                    + "' (" + msg + "); nothing from this attempt was kept. Check the server and the network, then"
                    + " run the command again", e, true);
        }
        return new StorageException("cannot " + op + " '" + what + "' in " + where + ": " + msg, e, true);
    }

    private static boolean isNoSpace(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk full") || m.contains("quota exceeded")) {
                return true;
            }
        }
        return false;
    }
}
