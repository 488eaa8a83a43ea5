package dev.rkebackup.rke.node;

import dev.rkebackup.rke.node.NodeAccessException.Problem;
import dev.rkebackup.rke.node.internal.RemoteCommand;
import dev.rkebackup.rke.node.internal.SftpFiles;
import dev.rkebackup.rke.node.internal.SshConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NodeAccess} over SSH with Apache MINA SSHD: SFTP for files, exec channels for {@code sudo -n cat},
 * {@code sha256sum} and sudo writes. Reaches the node the way RKE does (see {@link NodeEndpoint}): RSA or ed25519
 * keys inline or from a file, the SSH agent, user certificates, a bastion as jump host; host keys are checked against
 * a known-hosts file unless the endpoint explicitly disables the check.
 *
 * <p>{@link #connect} connects and authenticates at once, so an unreachable node, a refused key or a changed host key
 * is reported before any file is touched. One instance serves one thread at a time; {@link #close()} closes the
 * connection (and any tunnel through the bastion).
 *
 * <pre>{@code
 * try (SshNodeAccess node = SshNodeAccess.connect(endpoint)) {
 *     String sum = node.sha256("/opt/rke/etcd-snapshots/snap1.zip");
 * }
 * }</pre>
 */
public final class SshNodeAccess implements NodeAccess {
    private static final Logger LOG = LoggerFactory.getLogger(SshNodeAccess.class);
    private static final Pattern SHA256 = Pattern.compile("^([0-9a-f]{64})\\s");
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

    private final NodeEndpoint endpoint;
    private final SshConnector.Connection connection;
    private final SftpFiles files;
    private volatile boolean execUnavailable;

    private SshNodeAccess(NodeEndpoint endpoint, SshConnector.Connection connection) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.files = new SftpFiles(connection.session(), endpoint.describe(), endpoint.user());
    }

    /**
     * Connects to a node and authenticates.
     *
     * @param endpoint how to reach the node
     * @return the open access; the caller closes it
     * @throws NodeAccessException {@code UNREACHABLE}, {@code AUTH_REFUSED}, {@code HOST_KEY_CHANGED} or
     *     {@code HOST_KEY_UNKNOWN}
     * @throws dev.rkebackup.core.InvalidInputException if the key, certificate or agent settings cannot be used
     */
    public static SshNodeAccess connect(NodeEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        SshConnector.Connection c = SshConnector.connect(endpoint);
        LOG.debug("connected to {}", endpoint.describe());
        return new SshNodeAccess(endpoint, c);
    }

    /**
     * The endpoint this access is connected to.
     *
     * @return the endpoint
     */
    public NodeEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public Optional<RemoteFile> stat(String path) {
        return files.stat(checkPath(path));
    }

    @Override
    public List<RemoteFile> list(String directory) {
        return files.list(checkPath(directory));
    }

    @Override
    public InputStream openRead(String path) {
        checkPath(path);
        try {
            return files.openRead(path);
        } catch (NodeAccessException e) {
            if (e.problem() != Problem.PERMISSION_DENIED) {
                throw e;
            }
            if (!endpoint.sudoAllowed()) {
                throw files.permissionDenied("read", path, "allow sudo for this node (sudo -n must work without"
                        + " a password for cat and sha256sum), or connect as root", e);
            }
            return sudoCat(path);
        }
    }

    private InputStream sudoCat(String path) {
        LOG.debug("reading {} on {} through sudo -n", path, describe());
        RemoteCommand.Streaming s;
        try {
            s = RemoteCommand.stream(connection.session(), List.of("sudo", "-n", "cat", "--", path),
                    endpoint.connectTimeout());
        } catch (IOException e) {
            throw files.failure("read (sudo -n cat)", path, e);
        }
        // read one byte now, so a refused sudo surfaces here and not as a short stream later
        PushbackInputStream probe = new PushbackInputStream(s, 1);
        try {
            int first = probe.read();
            if (first >= 0) {
                probe.unread(first);
            }
        } catch (RemoteCommand.CommandFailed e) {
            closeQuietly(probe);
            throw sudoFailure("read", path, e.status(), e.stderr());
        } catch (IOException e) {
            closeQuietly(probe);
            throw files.failure("read (sudo -n cat)", path, e);
        }
        return files.guard(probe, path);
    }

    NodeAccessException sudoFailure(String op, String path, int status, String stderr) {
        String err = stderr.strip();
        if (err.contains("password is required") || err.contains("a terminal is required")
                || err.contains("not in the sudoers") || err.contains("may not run sudo")
                || err.contains("not allowed to execute")) {
            return files.permissionDenied(op, path, "sudo -n was refused for user '" + endpoint.user() + "' ("
                    + err + "); allow it without a password, e.g. a line '" + endpoint.user()
                    + " ALL=(root) NOPASSWD: ALL' in /etc/sudoers.d/, or connect as root", null);
        }
        if (status == 127 || err.contains("sudo: not found") || err.contains("sudo: command not found")) {
            return files.permissionDenied(op, path, "sudo is not installed on the node; install it and allow"
                    + " user '" + endpoint.user() + "' to use it without a password, or connect as root", null);
        }
        if (err.contains("No such file")) {
            return new NodeAccessException(Problem.NOT_FOUND, describe(), "cannot " + op + " " + path + " on "
                    + describe() + ": it does not exist", null);
        }
        return new NodeAccessException(Problem.IO, describe(), "cannot " + op + " " + path + " on " + describe()
                + " through sudo: exit status " + status + ": " + err, null);
    }

    @Override
    public WriteResult writeAtomically(String path, InputStream content, long length, boolean replaceDifferent) {
        checkPath(path);
        Objects.requireNonNull(content, "content");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        return new AtomicWrite(this, files, path, content, length, replaceDifferent).run();
    }

    @Override
    public String sha256(String path) {
        checkPath(path);
        if (!execUnavailable) {
            Optional<String> viaExec = sha256sum(path);
            if (viaExec.isPresent()) {
                return viaExec.get();
            }
        }
        try (InputStream in = openRead(path)) {
            return dev.rkebackup.rke.node.internal.Transfers.sha256Hex(in);
        } catch (IOException e) {
            throw files.failure("hash", path, e);
        }
    }

    /** Runs sha256sum on the node; empty when the node cannot run it (then the caller reads the file back). */
    private Optional<String> sha256sum(String path) {
        Optional<String> plain = runSha256sum(List.of("sha256sum", "--", path));
        if (plain.isPresent() || execUnavailable || !endpoint.sudoAllowed()) {
            return plain;
        }
        return runSha256sum(List.of("sudo", "-n", "sha256sum", "--", path));
    }

    private Optional<String> runSha256sum(List<String> words) {
        try {
            RemoteCommand.Result r = RemoteCommand.run(connection.session(), words, null, COMMAND_TIMEOUT);
            Matcher m = SHA256.matcher(r.stdout());
            if (r.exitStatus() == 0 && m.find()) {
                return Optional.of(m.group(1));
            }
            if (r.exitStatus() == 127 || r.exitStatus() == -1) {
                execUnavailable = r.exitStatus() == -1 || words.get(0).equals("sha256sum");
            }
            LOG.debug("{} on {} gave status {}; falling back", words.get(0), describe(), r.exitStatus());
            return Optional.empty();
        } catch (IOException e) {
            if (!connection.session().isOpen()) {
                throw files.failure("hash", words.get(words.size() - 1), e);
            }
            execUnavailable = true;
            LOG.debug("{} cannot run commands ({}); hashing by reading the file back", describe(), e.toString());
            return Optional.empty();
        }
    }

    RemoteCommand.Result sudo(List<String> words, InputStream stdin) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("sudo", "-n"));
        cmd.addAll(words);
        return RemoteCommand.run(connection.session(), cmd, stdin, COMMAND_TIMEOUT);
    }

    NodeEndpoint settings() {
        return endpoint;
    }

    private static String checkPath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("node paths must be absolute: '" + path + "'");
        }
        return path;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public String describe() {
        return endpoint.describe();
    }

    @Override
    public void close() {
        files.close();
        connection.close();
    }
}
