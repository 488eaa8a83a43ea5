package dev.rkebackup.sftp.internal;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshKey;
import dev.rkebackup.rke.node.internal.SshConnector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of SSH connections, each with one SFTP channel. At most {@code size} connections exist at once; a
 * caller that finds them all busy waits up to {@code wait} for one. Broken connections are dropped, never handed
 * out again. Thread-safe.
 */
public final class SftpPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpPool.class);

    private final NodeEndpoint endpoint;
    private final String where;
    private final Semaphore permits;
    private final Duration wait;
    private final Deque<Conn> idle = new ArrayDeque<>();
    private volatile boolean closed;

    /**
     * Creates the pool; nothing connects until the first {@link #acquire()}.
     *
     * @param endpoint the server
     * @param where the store's description, for messages
     * @param size the most connections at once, at least 1
     * @param wait how long a caller waits for a free connection
     */
    public SftpPool(NodeEndpoint endpoint, String where, int size, Duration wait) {
        if (size < 1) {
            throw new InvalidInputException("the SFTP connection pool size must be at least 1, not " + size);
        }
        this.endpoint = endpoint;
        this.where = where;
        this.permits = new Semaphore(size, true);
        this.wait = wait;
    }

    /**
     * Takes an idle connection or opens a new one.
     *
     * @return a connection; give it back with {@link #release}
     * @throws StorageException if no connection is free in time or the server cannot be reached
     */
    public Conn acquire() {
        if (closed) {
            throw new IllegalStateException("the SFTP store " + where + " is closed");
        }
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StorageException("no SFTP connection to " + where + " became free within "
                        + wait.toSeconds() + " s; every connection is busy (a stream left open?) ", null, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for an SFTP connection to " + where, e, true);
        }
        try {
            while (true) {
                Conn c;
                synchronized (idle) {
                    c = idle.pollFirst();
                }
                if (c == null) {
                    return connect();
                }
                if (c.usable()) {
                    c.reused = true;
                    return c;
                }
                c.closeQuietly();
            }
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /**
     * Gives a connection back.
     *
     * @param c the connection
     * @param broken true when it failed at the transport level; it is then closed instead of reused
     */
    public void release(Conn c, boolean broken) {
        try {
            if (broken || closed || !c.usable()) {
                c.closeQuietly();
            } else {
                synchronized (idle) {
                    idle.addFirst(c);
                }
            }
        } finally {
            permits.release();
        }
    }

    private Conn connect() {
        SshConnector.Connection ssh;
        try {
            ssh = SshConnector.connect(endpoint);
        } catch (NodeAccessException e) {
            throw SftpErrors.connectFailure(e, endpoint, where);
        }
        try {
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(ssh.session());
            LOG.debug("opened an SFTP connection to {}", where);
            return new Conn(ssh, sftp);
        } catch (IOException | RuntimeException e) {
            ssh.close();
            throw new StorageException("the SSH server of " + where + " does not offer SFTP (" + e.getMessage()
                    + "); enable the sftp subsystem in its sshd_config (Subsystem sftp internal-sftp)", e, false);
        }
    }

    /**
     * Describes the key source for messages.
     *
     * @return "key file X" or "the keys of the SSH agent"
     */
    public String keyDescription() {
        return endpoint.key() instanceof SshKey.File f ? "key file " + f.path() : "the keys of the SSH agent";
    }

    /** Closes every idle connection; connections in use close when they are released. */
    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.forEach(Conn::closeQuietly);
            idle.clear();
        }
    }

    /** One SSH connection with its SFTP channel. Used by one thread at a time. */
    public static final class Conn {
        private final SshConnector.Connection ssh;
        private final SftpClient sftp;
        private boolean reused;

        private Conn(SshConnector.Connection ssh, SftpClient sftp) {
            this.ssh = ssh;
            this.sftp = sftp;
        }

        /**
         * The SFTP channel.
         *
         * @return the client
         */
        public SftpClient sftp() {
            return sftp;
        }

        /**
         * Whether this connection was idle in the pool before (a failure may then be a stale link, worth one retry).
         *
         * @return true if reused
         */
        public boolean reused() {
            return reused;
        }

        /**
         * Whether the session and channel are still open.
         *
         * @return true if usable
         */
        public boolean usable() {
            return sftp.isOpen() && ssh.session().isOpen() && !ssh.session().isClosing();
        }

        void closeQuietly() {
            try {
                sftp.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing an SFTP channel: {}", e.toString());
            }
            ssh.close();
        }
    }
}
