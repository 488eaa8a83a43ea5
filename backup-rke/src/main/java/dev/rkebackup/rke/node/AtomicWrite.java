package dev.rkebackup.rke.node;

import dev.rkebackup.core.io.ForwardingInputStream;
import dev.rkebackup.rke.node.NodeAccessException.Problem;
import dev.rkebackup.rke.node.internal.RemoteCommand;
import dev.rkebackup.rke.node.internal.SftpFiles;
import dev.rkebackup.rke.node.internal.SftpWriter;
import dev.rkebackup.rke.node.internal.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One atomic write over SSH: temporary name in the target directory, mode 0600, fsync, rename. Uses SFTP, or
 * {@code sudo -n} (shell {@code cat} with umask 077, then {@code mv}) when the directory is not writable by the
 * login user and sudo is allowed. The temporary file is removed on every failure that leaves the connection usable.
 */
final class AtomicWrite {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicWrite.class);
    private static final String TEMP_PREFIX = ".rkb-tmp-";
    private static final long NEARLY_FULL = 256 * 1024;
    private static final String SUDO_WRITE =
            "set -C; umask 077; cat > \"$1\" && { sync -- \"$1\" 2>/dev/null || sync; }";

    private final SshNodeAccess node;
    private final SftpFiles files;
    private final SftpWriter writer;
    private final String path;
    private final InputStream content;
    private final long length;
    private final boolean replaceDifferent;
    private final String directory;
    private final String tmp;
    private boolean viaSudo;

    AtomicWrite(SshNodeAccess node, SftpFiles files, String path, InputStream content, long length,
            boolean replaceDifferent) {
        this.node = node;
        this.files = files;
        this.writer = new SftpWriter(files, node.describe());
        this.path = path;
        this.content = content;
        this.length = length;
        this.replaceDifferent = replaceDifferent;
        int slash = path.lastIndexOf('/');
        this.directory = slash <= 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("target path must name a file: '" + path + "'");
        }
        this.tmp = (directory.equals("/") ? "" : directory) + "/" + TEMP_PREFIX + name + "-" + UUID.randomUUID();
    }

    WriteResult run() {
        Optional<RemoteFile> existing = node.stat(path);
        if (existing.isPresent() && existing.get().directory()) {
            throw new NodeAccessException(Problem.ALREADY_EXISTS, node.describe(), path + " on " + node.describe()
                    + " is a directory; nothing was written", null);
        }
        if (existing.isPresent() && !replaceDifferent && existing.get().size() != length) {
            throw different(existing.get());
        }
        boolean done = false;
        try {
            String sha = write();
            WriteResult.Outcome outcome = WriteResult.Outcome.CREATED;
            if (existing.isPresent()) {
                if (existing.get().size() == length && sha.equals(node.sha256(path))) {
                    LOG.debug("{} already holds identical {}; left as is", node.describe(), path);
                    return new WriteResult(path, length, sha, WriteResult.Outcome.UNCHANGED);
                }
                if (!replaceDifferent) {
                    throw different(existing.get());
                }
                outcome = WriteResult.Outcome.REPLACED;
            }
            rename(existing.isPresent());
            done = true;
            LOG.debug("wrote {} ({} bytes) on {}", path, length, node.describe());
            return new WriteResult(path, length, sha, outcome);
        } catch (IOException e) {
            throw classify(e);
        } finally {
            if (!done) {
                removeTemp();
            }
        }
    }

    private String write() throws IOException {
        ForwardingInputStream counted = ForwardingInputStream.counting(content);
        try {
            return writer.writeNew(tmp, counted, length);
        } catch (SftpException e) {
            boolean untouched = counted.count() == 0;
            if (e.getStatus() == SftpConstants.SSH_FX_PERMISSION_DENIED && untouched
                    && node.settings().sudoAllowed()) {
                writer.removeQuietlyIfPresent(tmp);
                viaSudo = true;
                return sudoWrite(counted);
            }
            throw e;
        }
    }

    private String sudoWrite(InputStream in) throws IOException {
        LOG.debug("{} is not writable for {}; writing through sudo -n", directory, node.describe());
        MessageDigest md = Transfers.sha256();
        Exact exact = new Exact(in, length, md);
        RemoteCommand.Result r = node.sudo(List.of("sh", "-c", SUDO_WRITE, "rkb-write", tmp), exact);
        if (r.exitStatus() != 0) {
            if (Transfers.isNoSpace(new IOException(r.stderrTail()))) {
                throw files.noSpace("write", path, null);
            }
            throw node.sudoFailure("write", path, r.exitStatus(), r.stderrTail());
        }
        exact.verify();
        return Transfers.hex(md.digest());
    }

    private void rename(boolean targetExists) throws IOException {
        if (!viaSudo) {
            writer.rename(tmp, path, targetExists);
            return;
        }
        RemoteCommand.Result r = node.sudo(List.of("mv", "-f", "--", tmp, path), null);
        if (r.exitStatus() != 0) {
            throw node.sudoFailure("rename into place", path, r.exitStatus(), r.stderrTail());
        }
    }

    private void removeTemp() {
        if (!files.sessionOpen()) {
            LOG.warn("connection to {} is gone; temporary file {} may remain there (never under the real name);"
                    + " delete it by hand", node.describe(), tmp);
            return;
        }
        if (!viaSudo) {
            writer.removeQuietlyIfPresent(tmp);
            return;
        }
        try {
            node.sudo(List.of("rm", "-f", "--", tmp), null);
        } catch (IOException e) {
            LOG.warn("could not remove temporary file {} on {}: {}", tmp, node.describe(), e.toString());
        }
    }

    private NodeAccessException classify(IOException e) {
        NodeAccessException f = files.failure("write", path, e);
        if (f.problem() == Problem.IO && e instanceof SftpException se
                && se.getStatus() == SftpConstants.SSH_FX_FAILURE) {
            // OpenSSH reports ENOSPC as a generic failure; ask the file system before the temp file is removed
            Optional<Long> free = writer.freeBytes(directory);
            if (free.isPresent() && free.get() < NEARLY_FULL) {
                return files.noSpace("write", path, e);
            }
        }
        return f;
    }

    private NodeAccessException different(RemoteFile existing) {
        return new NodeAccessException(Problem.ALREADY_EXISTS, node.describe(), "a different file ("
                + existing.size() + " bytes, owner " + existing.owner() + ") already exists at " + path + " on "
                + node.describe() + "; nothing was changed. Move it away, or allow replacing it", null);
    }

    /** Hands out exactly {@code length} bytes, hashing them; {@link #verify()} checks the source had no more. */
    private static final class Exact extends ForwardingInputStream {
        private final long length;
        private final MessageDigest md;

        Exact(InputStream in, long length, MessageDigest md) {
            super(in);
            this.length = length;
            this.md = md;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (count() >= length) {
                return -1;
            }
            return super.read(b, off, (int) Math.min(len, length - count()));
        }

        @Override
        protected void afterRead(byte[] b, int off, int n) {
            md.update(b, off, n);
        }

        void verify() throws IOException {
            if (count() != length) {
                throw new Transfers.LengthMismatchException("the content ended after " + count() + " of " + length
                        + " bytes");
            }
            if (in.read() >= 0) {
                throw new Transfers.LengthMismatchException("the content has more than the declared " + length
                        + " bytes");
            }
        }
    }
}
