package dev.rkebackup.rke.node.internal;

import dev.rkebackup.core.io.ForwardingInputStream;
import dev.rkebackup.rke.node.NodeAccessException.Problem;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.RemoteFile;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SFTP file operations on one node session, with every failure turned into a {@link NodeAccessException} that names
 * the node and file. Used by {@link dev.rkebackup.rke.node.SshNodeAccess}; not thread-safe.
 */
public final class SftpFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpFiles.class);
    private static final int PERMS_MASK = 07777;

    private final ClientSession session;
    private final String node;
    private final String user;
    private SftpClient sftp;

    /**
     * Creates the helper; the SFTP channel opens on first use.
     *
     * @param session authenticated session
     * @param node node description for messages
     * @param user login user for messages
     */
    public SftpFiles(ClientSession session, String node, String user) {
        this.session = session;
        this.node = node;
        this.user = user;
    }

    SftpClient sftp() throws IOException {
        if (sftp == null || !sftp.isOpen()) {
            sftp = SftpClientFactory.instance().createSftpClient(session);
        }
        return sftp;
    }

    /**
     * Stat of a path.
     *
     * @param path absolute path
     * @return the file, or empty if missing
     */
    public Optional<RemoteFile> stat(String path) {
        try {
            return Optional.of(toRemote(path, sftp().stat(path), null));
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE
                    || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH) {
                return Optional.empty();
            }
            throw failure("stat", path, e);
        } catch (IOException e) {
            throw failure("stat", path, e);
        }
    }

    private static RemoteFile toRemote(String path, Attributes a, String longName) {
        String owner = a.getOwner();
        if (owner == null || owner.isBlank()) {
            owner = ownerFromLongName(longName).orElse(a.getUserId() == 0 ? "root" : "uid " + a.getUserId());
        }
        return new RemoteFile(path, Math.max(0, a.getSize()), owner, a.getPermissions() & PERMS_MASK,
                a.isDirectory());
    }

    private static Optional<String> ownerFromLongName(String longName) {
        // OpenSSH sends "ls -l" lines: "-rw-------    1 root     root   1234 Jan  1 00:00 name"
        if (longName == null) {
            return Optional.empty();
        }
        String[] f = longName.trim().split("\\s+");
        return f.length >= 4 && f[0].length() == 10 ? Optional.of(f[2]) : Optional.empty();
    }

    /**
     * Directory listing sorted by name.
     *
     * @param directory absolute path
     * @return entries without . and ..
     */
    public List<RemoteFile> list(String directory) {
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        try {
            List<RemoteFile> out = new ArrayList<>();
            for (DirEntry e : sftp().readDir(directory)) {
                if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                    out.add(toRemote(prefix + e.getFilename(), e.getAttributes(), e.getLongFilename()));
                }
            }
            out.sort(Comparator.comparing(RemoteFile::name));
            return out;
        } catch (UncheckedIOException e) {
            throw failure("list", directory, e.getCause());
        } catch (IOException e) {
            throw failure("list", directory, e);
        }
    }

    /**
     * The owner of a path as "name" when the server tells it (via the parent listing), else from the uid.
     *
     * @param path absolute path
     * @return owner text, or "unknown owner"
     */
    public String owner(String path) {
        int slash = path.lastIndexOf('/');
        String dir = slash <= 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        try {
            for (DirEntry e : sftp().readDir(dir)) {
                if (e.getFilename().equals(name)) {
                    RemoteFile f = toRemote(path, e.getAttributes(), e.getLongFilename());
                    return f.owner() + ", mode " + f.octalMode();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot list {} on {} to find the owner of {}: {}", dir, node, name, e.toString());
        }
        try {
            Attributes a = sftp().stat(path);
            return toRemote(path, a, null).owner() + ", mode " + String.format("%04o", a.getPermissions() & PERMS_MASK);
        } catch (IOException e) {
            return "owner unknown";
        }
    }

    /**
     * Opens a file for reading with read-ahead.
     *
     * @param path absolute path
     * @return guarded stream
     */
    public InputStream openRead(String path) {
        try {
            return guard(sftp().read(path, Transfers.BUFFER), path);
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    /**
     * Wraps a stream so read failures carry a {@link NodeAccessException} (connection lost after N bytes) as cause.
     *
     * @param in the raw stream
     * @param path the file, for messages
     * @return the guarded stream
     */
    public InputStream guard(InputStream in, String path) {
        return new ForwardingInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    NodeAccessException nae = failure("read", path, e);
                    String msg = nae.problem() == Problem.CONNECTION_LOST
                            ? "the connection to " + node + " broke after " + count() + " bytes of " + path
                                    + "; the data read is incomplete and must not be used. Check the node and"
                                    + " the network, then retry"
                            : nae.getMessage();
                    throw new IOException(msg, new NodeAccessException(nae.problem(), node, msg, e));
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } catch (IOException e) {
                    if (sessionOpen()) {
                        throw e;
                    }
                    // the connection is gone; the read already failed and there is nothing left to release
                    LOG.debug("closing {} on {} after the connection broke: {}", path, node, e.toString());
                }
            }
        };
    }

    /**
     * Whether the SSH session is still usable.
     *
     * @return true when open
     */
    public boolean sessionOpen() {
        return session.isOpen() && !session.isClosing();
    }

    /**
     * Classifies an I/O failure.
     *
     * @param op what was being done ("read", "write", ...)
     * @param path the file
     * @param e the failure
     * @return the exception to throw
     */
    public NodeAccessException failure(String op, String path, Throwable e) {
        if (e instanceof NodeAccessException nae) {
            return nae;
        }
        if (e.getCause() instanceof NodeAccessException nae) {
            return nae;
        }
        if (e instanceof Transfers.LengthMismatchException) {
            return new NodeAccessException(Problem.IO, node, "cannot " + op + " " + path + " on " + node + ": "
                    + e.getMessage() + "; nothing was written under that name", e);
        }
        if (e instanceof SftpException se) {
            switch (se.getStatus()) {
                case SftpConstants.SSH_FX_NO_SUCH_FILE:
                case SftpConstants.SSH_FX_NO_SUCH_PATH:
                    return new NodeAccessException(Problem.NOT_FOUND, node, "cannot " + op + " " + path + " on "
                            + node + ": it (or its directory) does not exist", e);
                case SftpConstants.SSH_FX_PERMISSION_DENIED:
                    return permissionDenied(op, path, "allow sudo for this node, or connect as root", e);
                case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM:
                case SftpConstants.SSH_FX_QUOTA_EXCEEDED:
                    return noSpace(op, path, e);
                default:
                    if (Transfers.isNoSpace(e)) {
                        return noSpace(op, path, e);
                    }
                    return new NodeAccessException(Problem.IO, node, "cannot " + op + " " + path + " on " + node
                            + ": the SFTP server answered '" + se.getMessage() + "' (status " + se.getStatus() + ")",
                            e);
            }
        }
        if (!sessionOpen() || isConnectionError(e)) {
            return new NodeAccessException(Problem.CONNECTION_LOST, node, "the connection to " + node + " broke"
                    + " while trying to " + op + " " + path + " (" + e.getMessage() + "); nothing from this attempt"
                    + " can be trusted. Check the node and the network, then retry", e);
        }
        return new NodeAccessException(Problem.IO, node, "cannot " + op + " " + path + " on " + node + ": " + e, e);
    }

    private static boolean isConnectionError(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof EOFException || c instanceof SocketException || c instanceof ClosedChannelException
                    || c instanceof SshException || c instanceof InterruptedIOException) {
                return true;
            }
            String m = String.valueOf(c.getMessage());
            if (m.contains("closed") || m.contains("Closed") || m.contains("closing")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The "disk full" failure.
     *
     * @param op operation
     * @param path file
     * @param e cause
     * @return the exception
     */
    public NodeAccessException noSpace(String op, String path, Throwable e) {
        return new NodeAccessException(Problem.NO_SPACE, node, "cannot " + op + " " + path + " on " + node
                + ": the node's file system is full; free space there (old snapshots in /opt/rke/etcd-snapshots"
                + " are often the culprit) and retry. Nothing was written under that name", e);
    }

    /**
     * The "permission denied" failure, naming the owner and mode.
     *
     * @param op operation
     * @param path file
     * @param fix what to do
     * @param e cause, may be null
     * @return the exception
     */
    public NodeAccessException permissionDenied(String op, String path, String fix, Throwable e) {
        return new NodeAccessException(Problem.PERMISSION_DENIED, node, "cannot " + op + " " + path + " on " + node
                + " (" + owner(path) + "): user '" + user + "' has no permission"
                + (op.startsWith("read") ? " (RKE v0.2.7+ writes snapshots owned by root with mode 0600)" : "")
                + "; " + fix, e);
    }

    @Override
    public void close() {
        if (sftp != null) {
            try {
                sftp.close();
            } catch (IOException e) {
                LOG.debug("closing SFTP on {}: {}", node, e.toString());
            }
        }
    }
}
