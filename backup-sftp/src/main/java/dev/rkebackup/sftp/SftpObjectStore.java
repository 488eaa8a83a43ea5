package dev.rkebackup.sftp;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.sftp.internal.SftpErrors;
import dev.rkebackup.sftp.internal.SftpPool;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatPathExtension;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * An {@link ObjectStore} on a directory of an SSH server, over SFTP. Key {@code a/b/c} is the file
 * {@code <root>/a/b/c} on the server.
 *
 * <p>The host key is checked against a known-hosts file (an unknown or changed key is refused, the file is never
 * modified); the login uses a key file or the keys of the SSH agent. A put writes a temporary file (never listed)
 * with mode 0600, forces it to disk with {@code fsync@openssh.com} when the server offers it, and renames it over
 * the final name with {@code posix-rename@openssh.com} (atomic replace); directories are created with mode 0700.
 * A failed put removes its temporary file, so a key never shows a partial object.
 *
 * <p>Connections come from a bounded pool ({@link Builder#poolSize}); a stream from {@link #open} holds one
 * connection until it is closed. Thread-safe.
 *
 * <pre>{@code
 * NodeEndpoint server = NodeEndpoint.builder("backup.example.com", "rkb")
 *         .key(SshKey.file(Path.of("/root/.ssh/id_ed25519")))
 *         .hostKeys(HostKeyPolicy.knownHosts(Path.of("/root/.ssh/known_hosts")))
 *         .build();
 * try (ObjectStore store = SftpObjectStore.builder(server, "/srv/backups/rke").build()) { ... }
 * }</pre>
 */
public final class SftpObjectStore implements ObjectStore {
    /** Temporary files carry this prefix; they never appear in listings. */
    public static final String TEMP_PREFIX = ".rkb-tmp-";
    private static final int WRITE_CHUNK = 64 * 1024;
    private static final int READ_BUFFER = 64 * 1024;
    private static final int FILE_MODE = 0600;
    private static final int DIR_MODE = 0700;

    private final NodeEndpoint endpoint;
    private final SftpPool pool;
    private final String where;
    private final String root;

    private SftpObjectStore(Builder b) {
        this.endpoint = b.endpoint;
        String shown = b.path.startsWith("/") ? b.path : "/~/" + b.path;
        this.where = "sftp://" + endpoint.user() + "@" + hostPart(endpoint.address()) + ":" + endpoint.port()
                + shown;
        this.pool = new SftpPool(endpoint, where, b.poolSize, b.poolWait);
        try {
            this.root = prepareRoot(b.path);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static String hostPart(String address) {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }

    /**
     * Starts a builder.
     *
     * @param endpoint the SSH server, user, key and known-hosts file (its jump hosts and sudo setting are not
     *     used for stores)
     * @param path the store's directory on the server: absolute, or relative to the login directory; created
     *     with mode 0700 when missing
     * @return the builder
     */
    public static Builder builder(NodeEndpoint endpoint, String path) {
        return new Builder(endpoint, path);
    }

    /**
     * The store's directory on the server, absolute.
     *
     * @return the path
     */
    public String root() {
        return root;
    }

    private String prepareRoot(String path) {
        return call("open store directory", path, c -> {
            SftpClient s = c.sftp();
            String abs = path.startsWith("/") ? path : s.canonicalPath(".") + "/" + path;
            abs = abs.length() > 1 && abs.endsWith("/") ? abs.substring(0, abs.length() - 1) : abs;
            Optional<Attributes> attrs = statOrEmpty(s, abs);
            if (attrs.isPresent() && !attrs.get().isDirectory()) {
                throw new InvalidInputException("the sftp store location " + where + " names a file on the server,"
                        + " not a directory; give a directory path (it is created when missing)");
            }
            if (attrs.isEmpty()) {
                mkdirs(s, abs);
            }
            return abs;
        });
    }

    @Override
    public void put(String key, InputStream content, long length) {
        ObjectKeys.validate(key);
        if (length < 0) {
            throw new InvalidInputException("length must not be negative for '" + key + "': " + length);
        }
        checkNotTemp(key);
        String target = path(key);
        int slash = target.lastIndexOf('/');
        String dir = target.substring(0, slash);
        String tmp = dir + "/" + TEMP_PREFIX + target.substring(slash + 1) + "-" + UUID.randomUUID();
        SftpPool.Conn c = pool.acquire();
        boolean broken = false;
        boolean created = false;
        long[] written = {0};
        try {
            SftpClient s = c.sftp();
            mkdirs(s, dir);
            try (CloseableHandle h = s.open(tmp, EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive))) {
                created = true;
                s.setStat(h, new Attributes().perms(FILE_MODE));
                OutputStream out = new SftpOutputStreamAsync((AbstractSftpClient) s, WRITE_CHUNK, tmp, h, false);
                copyExactly(content, out, length, key, written);
                out.close();
                OpenSSHFsyncExtension fsync = s.getExtension(OpenSSHFsyncExtension.class);
                if (fsync != null && fsync.isSupported()) {
                    fsync.fsync(h);
                }
            }
            rename(s, tmp, target);
            created = false;
        } catch (IOException | RuntimeException e) {
            broken = SftpErrors.isTransport(e);
            boolean full = !broken && e instanceof SftpException sx
                    && sx.getStatus() == SftpConstants.SSH_FX_FAILURE && diskFull(c.sftp(), dir, length - written[0]);
            throw SftpErrors.operation("write", key, where, endpoint.user(), e, full);
        } finally {
            if (created) {
                removeQuietly(c, broken, tmp);
            }
            pool.release(c, broken);
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long length, String key, long[] written)
            throws IOException {
        byte[] buf = new byte[WRITE_CHUNK];
        while (written[0] < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - written[0]));
            if (n < 0) {
                throw new StorageException("stream for '" + key + "' ended after " + written[0] + " of " + length
                        + " bytes; nothing was stored", null, false);
            }
            out.write(buf, 0, n);
            written[0] += n;
        }
        if (in.read() >= 0) {
            throw new StorageException("stream for '" + key + "' has more than the declared " + length
                    + " bytes; nothing was stored", null, false);
        }
    }

    private static void rename(SftpClient s, String from, String to) throws IOException {
        OpenSSHPosixRenameExtension posix = s.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
            return;
        }
        // SFTP v3 rename refuses an existing target; v5+ servers can overwrite atomically
        s.rename(from, to, SftpClient.CopyMode.Overwrite, SftpClient.CopyMode.Atomic);
    }

    private boolean diskFull(SftpClient s, String dir, long remaining) {
        try {
            OpenSSHStatPathExtension ext = s.getExtension(OpenSSHStatPathExtension.class);
            if (ext == null || !ext.isSupported()) {
                return false;
            }
            OpenSSHStatExtensionInfo info = ext.stat(dir);
            long unit = info.f_frsize > 0 ? info.f_frsize : info.f_bsize;
            return info.f_bavail * unit < Math.max(remaining, 0) + (1 << 20);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void removeQuietly(SftpPool.Conn c, boolean broken, String tmp) {
        if (!broken && c.usable()) {
            try {
                c.sftp().remove(tmp);
                return;
            } catch (IOException e) {
                if (!SftpErrors.isTransport(e)) {
                    return; // already gone, or not ours to remove; the temporary name is never listed
                }
            }
        }
        try {
            SftpPool.Conn other = pool.acquire();
            boolean bad = false;
            try {
                other.sftp().remove(tmp);
            } catch (IOException e) {
                bad = SftpErrors.isTransport(e);
            } finally {
                pool.release(other, bad);
            }
        } catch (RuntimeException e) {
            // the server is unreachable; the temporary name is never listed and is removed by a later clean-up
        }
    }

    @Override
    public InputStream open(String key) {
        ObjectKeys.validate(key);
        checkNotTemp(key);
        String file = path(key);
        SftpPool.Conn c = pool.acquire();
        try {
            Optional<Attributes> attrs = statOrEmpty(c.sftp(), file);
            if (attrs.isEmpty() || !attrs.get().isRegularFile()) {
                pool.release(c, false);
                throw new ObjectNotFoundException(key, where);
            }
            InputStream in = c.sftp().read(file, READ_BUFFER);
            return new PooledStream(in, c, key);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ObjectNotFoundException nf) {
                throw nf;
            }
            pool.release(c, SftpErrors.isTransport(e));
            throw SftpErrors.operation("open", key, where, endpoint.user(), e, false);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        if (isTemp(key)) {
            return Optional.empty();
        }
        return call("stat", key, c -> statOrEmpty(c.sftp(), path(key))
                .filter(Attributes::isRegularFile)
                .map(a -> new ObjectInfo(key, a.getSize(), modified(a))));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.validatePrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String startKey = slash < 0 ? "" : prefix.substring(0, slash);
        return call("list", prefix, c -> {
            List<ObjectInfo> result = new ArrayList<>();
            String start = startKey.isEmpty() ? root : path(startKey);
            Optional<Attributes> a = statOrEmpty(c.sftp(), start);
            if (a.isPresent() && a.get().isDirectory()) {
                walk(c.sftp(), start, startKey, prefix, result);
            }
            result.sort(Comparator.comparing(ObjectInfo::key));
            return result;
        });
    }

    private void walk(SftpClient s, String dir, String dirKey, String prefix, List<ObjectInfo> out)
            throws IOException {
        List<DirEntry> entries = new ArrayList<>();
        try {
            for (DirEntry e : s.readDir(dir)) {
                entries.add(e);
            }
        } catch (SftpException e) {
            if (isMissing(e)) {
                return; // removed while listing
            }
            throw e;
        }
        for (DirEntry e : entries) {
            String name = e.getFilename();
            if (name.equals(".") || name.equals("..") || name.startsWith(TEMP_PREFIX)) {
                continue;
            }
            String key = dirKey.isEmpty() ? name : dirKey + "/" + name;
            Attributes attrs = e.getAttributes();
            if (attrs.isDirectory()) {
                if (prefix.startsWith(key + "/") || (key + "/").startsWith(prefix) || key.startsWith(prefix)) {
                    walk(s, dir + "/" + name, key, prefix, out);
                }
            } else if (attrs.isRegularFile() && key.startsWith(prefix) && ObjectKeysValid.ok(key)) {
                out.add(new ObjectInfo(key, attrs.getSize(), modified(attrs)));
            }
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(ObjectKeys::validate);
        for (String key : keys) {
            if (isTemp(key)) {
                continue;
            }
            call("delete", key, c -> {
                SftpClient s = c.sftp();
                String file = path(key);
                try {
                    s.remove(file);
                } catch (SftpException e) {
                    if (isMissing(e)) {
                        return null;
                    }
                    throw e;
                }
                removeEmptyParents(s, file.substring(0, file.lastIndexOf('/')));
                return null;
            });
        }
    }

    private void removeEmptyParents(SftpClient s, String dir) {
        String d = dir;
        while (d.length() > root.length() && d.startsWith(root + "/")) {
            try {
                s.rmdir(d);
            } catch (IOException e) {
                return; // not empty, or gone: empty directories are harmless
            }
            d = d.substring(0, d.lastIndexOf('/'));
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "SftpObjectStore[" + where + "]";
    }

    // ------------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface SftpCall<T> {
        T run(SftpPool.Conn c) throws IOException;
    }

    /** Runs an idempotent call; a reused connection that turns out dead is replaced once. */
    private <T> T call(String op, String what, SftpCall<T> fn) {
        for (int attempt = 0; ; attempt++) {
            SftpPool.Conn c = pool.acquire();
            boolean broken = false;
            try {
                return fn.run(c);
            } catch (IOException | RuntimeException e) {
                if (e instanceof InvalidInputException bad) {
                    throw bad;
                }
                broken = SftpErrors.isTransport(e);
                if (broken && c.reused() && attempt == 0) {
                    continue;
                }
                throw SftpErrors.operation(op, what, where, endpoint.user(), e, false);
            } finally {
                pool.release(c, broken);
            }
        }
    }

    private static Optional<Attributes> statOrEmpty(SftpClient s, String path) throws IOException {
        try {
            return Optional.of(s.stat(path));
        } catch (SftpException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean isMissing(SftpException e) {
        return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH;
    }

    private void mkdirs(SftpClient s, String dir) throws IOException {
        Optional<Attributes> a = statOrEmpty(s, dir);
        if (a.isPresent()) {
            if (!a.get().isDirectory()) {
                throw new StorageException("cannot create directory " + dir + " in " + where + ": a file stands"
                        + " there; remove it or choose another store path", null, false);
            }
            return;
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(s, dir.substring(0, slash));
        }
        try {
            s.mkdir(dir);
            s.setStat(dir, new Attributes().perms(DIR_MODE));
        } catch (SftpException e) {
            // another writer may have created it at the same moment
            Optional<Attributes> again = statOrEmpty(s, dir);
            if (again.isEmpty() || !again.get().isDirectory()) {
                throw e;
            }
        }
    }

    private String path(String key) {
        return root.equals("/") ? "/" + key : root + "/" + key;
    }

    private static Instant modified(Attributes a) {
        return a.getModifyTime() == null ? Instant.EPOCH : a.getModifyTime().toInstant();
    }

    private static boolean isTemp(String key) {
        int slash = key.lastIndexOf('/');
        return key.substring(slash + 1).startsWith(TEMP_PREFIX);
    }

    private static void checkNotTemp(String key) {
        if (isTemp(key)) {
            throw new InvalidInputException("invalid object key '" + key + "': names starting with '"
                    + TEMP_PREFIX + "' are reserved for temporary files");
        }
    }

    /** File names on the server that are not valid keys (e.g. with a backslash) are not listed. */
    private static final class ObjectKeysValid {
        static boolean ok(String key) {
            try {
                ObjectKeys.validate(key);
                return true;
            } catch (InvalidInputException e) {
                return false;
            }
        }
    }

    /** A read stream that gives its connection back to the pool when closed. */
    private final class PooledStream extends FilterInputStream {
        private final SftpPool.Conn conn;
        private final String key;
        private final AtomicBoolean closed = new AtomicBoolean();
        private boolean broken;

        PooledStream(InputStream in, SftpPool.Conn conn, String key) {
            super(in);
            this.conn = conn;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw fail(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw fail(e);
            }
        }

        private IOException fail(IOException e) {
            broken = broken || SftpErrors.isTransport(e);
            StorageException se = SftpErrors.operation("read", key, where, endpoint.user(), e, false);
            return new IOException(se.getMessage(), se);
        }

        @Override
        public void close() throws IOException {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                super.close();
            } catch (IOException e) {
                broken = true;
            } finally {
                pool.release(conn, broken);
            }
        }
    }

    /** Builds an {@link SftpObjectStore}. Not thread-safe. */
    public static final class Builder {
        private final NodeEndpoint endpoint;
        private final String path;
        private int poolSize = 4;
        private Duration poolWait = Duration.ofMinutes(10);

        private Builder(NodeEndpoint endpoint, String path) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.path = Objects.requireNonNull(path, "path");
            if (path.isBlank()) {
                throw new InvalidInputException("the SFTP store path is empty; give a directory on the server");
            }
        }

        /**
         * The most SSH connections the store opens at once (default 4).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder poolSize(int value) {
            if (value < 1 || value > 64) {
                throw new InvalidInputException("the SFTP pool size must be 1..64, not " + value);
            }
            this.poolSize = value;
            return this;
        }

        /**
         * How long a call waits for a free connection when all are busy (default 10 minutes).
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder poolWait(Duration value) {
            this.poolWait = Objects.requireNonNull(value, "poolWait");
            return this;
        }

        /**
         * Connects, checks the host key, logs in and makes sure the store directory exists.
         *
         * @return the store; close it
         * @throws StorageException if the server cannot be reached, refuses the login or the host key is unknown
         * @throws InvalidInputException if the path names a file, or a key setting cannot be used
         */
        public SftpObjectStore build() {
            return new SftpObjectStore(this);
        }
    }
}
