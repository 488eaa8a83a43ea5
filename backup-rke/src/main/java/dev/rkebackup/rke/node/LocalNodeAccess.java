package dev.rkebackup.rke.node;

import dev.rkebackup.rke.node.internal.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NodeAccess} to local files: for running on the etcd node itself ({@link #system()}), or for a directory that
 * stands in for a node's file system ({@link #rooted(Path)}, e.g. snapshots already copied off a node). Files that
 * the current user cannot read are reported with their owner and the fix; this implementation does not use sudo.
 *
 * <p>Thread-safe (it holds no open resources); {@link #close()} does nothing.
 */
public final class LocalNodeAccess implements NodeAccess {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNodeAccess.class);
    private static final String TEMP_PREFIX = ".rkb-tmp-";
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    private LocalNodeAccess(Path root) {
        this.root = root;
    }

    /**
     * Access to this machine's file system: node path {@code /opt/rke/x} is the local file {@code /opt/rke/x}.
     *
     * @return the access
     */
    public static LocalNodeAccess system() {
        return new LocalNodeAccess(Path.of("/"));
    }

    /**
     * Access to a directory standing in for a node's root: node path {@code /opt/rke/x} is {@code <root>/opt/rke/x}.
     * Paths cannot leave the root.
     *
     * @param root the directory
     * @return the access
     */
    public static LocalNodeAccess rooted(Path root) {
        return new LocalNodeAccess(Objects.requireNonNull(root, "root").toAbsolutePath().normalize());
    }

    Path resolve(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("node paths must be absolute: '" + path + "'");
        }
        Path p = root.resolve(path.substring(1)).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("path '" + path + "' leaves the node root " + root);
        }
        return p;
    }

    @Override
    public Optional<RemoteFile> stat(String path) {
        Path p = resolve(path);
        try {
            return Optional.of(toRemote(path, Files.readAttributes(p, PosixFileAttributes.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("stat", path, e);
        }
    }

    private static RemoteFile toRemote(String path, PosixFileAttributes a) {
        int mode = 0;
        for (PosixFilePermission perm : a.permissions()) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return new RemoteFile(path, a.size(), a.owner().getName(), mode, a.isDirectory());
    }

    @Override
    public List<RemoteFile> list(String directory) {
        Path dir = resolve(directory);
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> {
                try {
                    return toRemote(prefix + p.getFileName(), Files.readAttributes(p, PosixFileAttributes.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted(Comparator.comparing(RemoteFile::name)).collect(Collectors.toList());
        } catch (UncheckedIOException e) {
            throw failure("list", directory, e.getCause());
        } catch (IOException e) {
            throw failure("list", directory, e);
        }
    }

    @Override
    public InputStream openRead(String path) {
        try {
            return Files.newInputStream(resolve(path));
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    /** True: a local file is opened again for a resend. */
    @Override
    public boolean canReopen() {
        return true;
    }

    @Override
    public WriteResult writeAtomically(String path, InputStream content, long length, boolean replaceDifferent) {
        Objects.requireNonNull(content, "content");
        Path target = resolve(path);
        Optional<RemoteFile> existing = stat(path);
        if (existing.isPresent() && !replaceDifferent && existing.get().size() != length) {
            throw differentFile(path, existing.get(), length);
        }
        Path tmp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        boolean moved = false;
        try {
            MessageDigest md = Transfers.sha256();
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
                OutputStream out = Channels.newOutputStream(ch);
                Transfers.copyExactly(content, out, length, md);
                ch.force(true);
            }
            String sha = Transfers.hex(md.digest());
            WriteResult.Outcome outcome = WriteResult.Outcome.CREATED;
            if (existing.isPresent()) {
                if (existing.get().size() == length && sha.equals(sha256(path))) {
                    LOG.debug("{} already holds identical {}; left as is", describe(), path);
                    return new WriteResult(path, length, sha, WriteResult.Outcome.UNCHANGED);
                }
                if (!replaceDifferent) {
                    throw differentFile(path, existing.get(), length);
                }
                outcome = WriteResult.Outcome.REPLACED;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            return new WriteResult(path, length, sha, outcome);
        } catch (IOException e) {
            throw failure("write", path, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("could not remove temporary file {}: {}", tmp, e.toString());
                }
            }
        }
    }

    NodeAccessException differentFile(String path, RemoteFile existing, long length) {
        return new NodeAccessException(NodeAccessException.Problem.ALREADY_EXISTS, describe(), "a different file ("
                + existing.size() + " bytes, not the " + length + " bytes being written) already exists at " + path
                + " on " + describe() + "; nothing was changed. Move it away, or allow replacing it", null);
    }

    @Override
    public String sha256(String path) {
        try (InputStream in = openRead(path)) {
            return Transfers.sha256Hex(in);
        } catch (IOException e) {
            throw failure("hash", path, e);
        }
    }

    @Override
    public String describe() {
        return "local:" + root;
    }

    /** @return true for {@link #system()}: node paths are this machine's own files, not a stand-in directory */
    public boolean isThisMachine() {
        return root.equals(Path.of("/"));
    }

    @Override
    public void close() {
        // nothing to release
    }

    private NodeAccessException failure(String op, String path, Throwable e) {
        if (e instanceof Transfers.LengthMismatchException) {
            return new NodeAccessException(NodeAccessException.Problem.IO, describe(), "cannot " + op + " " + path
                    + " on " + describe() + ": " + e.getMessage() + "; nothing was written under that name", e);
        }
        if (e instanceof NoSuchFileException) {
            return new NodeAccessException(NodeAccessException.Problem.NOT_FOUND, describe(), "cannot " + op + " "
                    + path + " on " + describe() + ": it does not exist", e);
        }
        if (e instanceof AccessDeniedException) {
            String owner = stat(path).map(f -> " (owner " + f.owner() + ", mode " + f.octalMode() + ")").orElse("");
            return new NodeAccessException(NodeAccessException.Problem.PERMISSION_DENIED, describe(), "cannot "
                    + op + " " + path + owner + " on " + describe() + " as user " + System.getProperty("user.name")
                    + ": permission denied; run the backup as root or as the file's owner", e);
        }
        if (Transfers.isNoSpace(e)) {
            return new NodeAccessException(NodeAccessException.Problem.NO_SPACE, describe(), "cannot " + op + " "
                    + path + " on " + describe() + ": no space left on the file system; free space and retry."
                    + " Nothing was written under that name", e);
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.toString();
        return new NodeAccessException(NodeAccessException.Problem.IO, describe(), "cannot " + op + " " + path + " on "
                + describe() + ": " + reason, e);
    }
}
