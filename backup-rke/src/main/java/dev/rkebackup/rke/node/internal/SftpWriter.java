package dev.rkebackup.rke.node.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatPathExtension;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFTP steps of an atomic write: exclusive create with mode 0600, pipelined copy with hashing, fsync, rename,
 * clean-up, and a free-space query for classifying OpenSSH's generic write failure. Not thread-safe.
 */
public final class SftpWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SftpWriter.class);

    private final SftpFiles files;
    private final String node;

    /**
     * Creates the writer.
     *
     * @param files the node's SFTP helper (shares its channel)
     * @param node node description for log lines
     */
    public SftpWriter(SftpFiles files, String node) {
        this.files = files;
        this.node = node;
    }

    /**
     * Creates {@code tmp} exclusively with mode 0600, copies exactly {@code length} bytes into it, hashing them,
     * and fsyncs it when the server supports {@code fsync@openssh.com}.
     *
     * @param tmp the new file
     * @param content the bytes
     * @param length exact length
     * @return lowercase hex SHA-256 of the bytes written
     * @throws IOException on any failure (classify with {@link #failure})
     */
    public String writeNew(String tmp, InputStream content, long length) throws IOException {
        SftpClient c = files.sftp();
        MessageDigest md = Transfers.sha256();
        try (CloseableHandle h = c.open(tmp, EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive))) {
            c.setStat(h, new Attributes().perms(0600));
            OutputStream out = new SftpOutputStreamAsync((AbstractSftpClient) c, Transfers.BUFFER, tmp, h, false);
            Transfers.copyExactly(content, out, length, md);
            out.close();
            OpenSSHFsyncExtension fsync = c.getExtension(OpenSSHFsyncExtension.class);
            if (fsync != null && fsync.isSupported()) {
                fsync.fsync(h);
            }
        }
        return Transfers.hex(md.digest());
    }

    /**
     * Renames {@code from} to {@code to}, replacing {@code to} atomically when the server offers
     * {@code posix-rename@openssh.com}.
     *
     * @param from source
     * @param to target
     * @param targetExists whether a file (to be replaced) is at the target
     * @throws IOException on failure
     */
    public void rename(String from, String to, boolean targetExists) throws IOException {
        SftpClient c = files.sftp();
        OpenSSHPosixRenameExtension posix = c.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
            return;
        }
        if (targetExists) {
            c.rename(from, to, SftpClient.CopyMode.Overwrite, SftpClient.CopyMode.Atomic);
        } else {
            c.rename(from, to);
        }
    }

    /**
     * Removes a file if it exists, logging instead of failing.
     *
     * @param path the file
     */
    public void removeQuietlyIfPresent(String path) {
        try {
            if (files.sessionOpen()) {
                files.sftp().remove(path);
            }
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                LOG.warn("could not remove temporary file {} on {}: {}; it is never used under the real name,"
                        + " delete it by hand", path, node, e.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove temporary file {} on {}: {}", path, node, e.toString());
        }
    }

    /**
     * Free bytes for unprivileged users in the file system holding {@code directory}, if the server tells.
     *
     * @param directory absolute path
     * @return available bytes, or empty when unknown
     */
    public Optional<Long> freeBytes(String directory) {
        try {
            OpenSSHStatPathExtension ext = files.sftp().getExtension(OpenSSHStatPathExtension.class);
            if (ext == null || !ext.isSupported()) {
                return Optional.empty();
            }
            OpenSSHStatExtensionInfo info = ext.stat(directory);
            long unit = info.f_frsize > 0 ? info.f_frsize : info.f_bsize;
            return Optional.of(info.f_bavail * unit);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
