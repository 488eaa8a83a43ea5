package dev.rkebackup.rke.node;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes files on one node: the etcd snapshot directory ({@code /opt/rke/etcd-snapshots}) and its
 * neighbours. Paths are absolute paths on the node. Two implementations: {@link LocalNodeAccess} (this machine, or a
 * directory standing in for a node) and {@link SshNodeAccess} (SFTP, plus exec for {@code sudo -n} and
 * {@code sha256sum}).
 *
 * <p>Every failure is a {@link NodeAccessException} whose {@link NodeAccessException#problem()} tells what went wrong
 * and whose message tells what to do. An instance serves one thread at a time; use one instance per node and per
 * thread. {@link #close()} releases the connection; streams opened before must be closed first.
 *
 * <pre>{@code
 * try (NodeAccess node = SshNodeAccess.connect(endpoint)) {
 *     Optional<RemoteFile> f = node.stat("/opt/rke/etcd-snapshots/snap1.zip");
 *     try (InputStream in = node.openRead(f.orElseThrow().path())) { ... }
 * }
 * }</pre>
 */
public interface NodeAccess extends AutoCloseable {

    /**
     * Looks a file up.
     *
     * @param path absolute path on the node
     * @return size, owner and mode, or empty if nothing exists under the path
     * @throws NodeAccessException if the node cannot be asked (not for a missing file)
     */
    Optional<RemoteFile> stat(String path);

    /**
     * Lists a directory, sorted by name, without {@code .} and {@code ..}.
     *
     * @param directory absolute path on the node
     * @return the entries
     * @throws NodeAccessException {@code NOT_FOUND} if the directory does not exist, or another problem
     */
    List<RemoteFile> list(String directory);

    /**
     * Opens a file for reading. A file the login user may not read is read through {@code sudo -n cat} when the
     * node's settings allow sudo; otherwise the failure names the file, its owner and the fix. Reading errors from
     * the returned stream (e.g. a dropped connection) are {@link java.io.IOException}s whose cause chain holds a
     * {@link NodeAccessException}.
     *
     * @param path absolute path on the node
     * @return the content; the caller closes it
     * @throws NodeAccessException {@code NOT_FOUND}, {@code PERMISSION_DENIED}, or a connection problem
     */
    InputStream openRead(String path);

    /**
     * Tells whether opening a file again is cheap and yields the same bytes (a local file), so that a store can
     * resend a failed upload from the file instead of buffering it. Over SSH a second read costs a second transfer,
     * so remote access says no. By default: false.
     *
     * @return true if {@link #openRead} may be called again for the same file during one upload
     */
    default boolean canReopen() {
        return false;
    }

    /**
     * Writes a file atomically: the content goes to a temporary name in the same directory with mode 0600, is
     * flushed, and is renamed to {@code path} only when complete; on any failure the temporary file is removed, so a
     * partial file never appears under the real name. If a file already has the name, it is left alone when it has
     * the same content ({@link WriteResult.Outcome#UNCHANGED}) and replaced only when {@code replaceDifferent} is
     * true.
     *
     * @param path absolute target path on the node
     * @param content the bytes; read to the end but not closed (the caller closes it)
     * @param length exact number of bytes {@code content} holds
     * @param replaceDifferent whether a different existing file may be replaced
     * @return size, SHA-256 and what happened
     * @throws NodeAccessException {@code ALREADY_EXISTS}, {@code NO_SPACE}, {@code PERMISSION_DENIED},
     *     {@code NOT_FOUND} (directory), or a connection problem; or if {@code content} does not hold exactly
     *     {@code length} bytes ({@code IO})
     */
    WriteResult writeAtomically(String path, InputStream content, long length, boolean replaceDifferent);

    /**
     * Computes the SHA-256 of a file on the node: with {@code sha256sum} on the node when it can run commands
     * (through {@code sudo -n} for root-only files when allowed), else by reading the file back.
     *
     * @param path absolute path on the node
     * @return lowercase hex SHA-256
     * @throws NodeAccessException {@code NOT_FOUND}, {@code PERMISSION_DENIED}, or a connection problem
     */
    String sha256(String path);

    /**
     * Describes the node for messages and logs, e.g. {@code rancher@10.0.0.11:22} or {@code local:/}. No secrets.
     *
     * @return the description
     */
    String describe();

    /** Releases the connection. Never throws; safe to call twice. */
    @Override
    void close();
}
