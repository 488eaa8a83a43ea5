package dev.rkebackup.core.storage;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} on a local (or mounted) directory. Key {@code a/b/c} is the file {@code <root>/a/b/c}.
 *
 * <p>Writes go to a temporary file in the destination directory, are forced to disk, then renamed atomically over
 * the final name; a failed write removes its temporary file, so nothing is ever visible under a key that was not
 * completely written. Files are created with mode 0600 and directories with 0700 on POSIX file systems: backups
 * hold every secret of a cluster.
 *
 * <p>Thread-safe. {@link #close()} does nothing.
 */
public final class FileSystemObjectStore implements ObjectStore {
    /** Temporary files carry this prefix; they never appear in listings. */
    static final String TEMP_PREFIX = ".rkb-tmp-";
    private static final int BUFFER = 256 * 1024;

    private final Path root;
    private final boolean posix;

    private FileSystemObjectStore(Path root) {
        this.root = root;
        this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Opens (and creates, with mode 0700, if missing) a store on a directory.
     *
     * @param directory the store's root directory
     * @return the store
     * @throws StorageException if the directory cannot be created or is not a directory
     */
    public static FileSystemObjectStore create(Path directory) {
        Path root = directory.toAbsolutePath().normalize();
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        try {
            if (Files.exists(root) && !Files.isDirectory(root)) {
                throw StorageException.permanent("store location " + root + " exists but is not a directory;"
                        + " choose another path", null);
            }
            store.createDirectories(root);
        } catch (IOException e) {
            throw classify("create store directory", root.toString(), e);
        }
        return store;
    }

    /**
     * Returns the root directory.
     *
     * @return the absolute root path
     */
    public Path root() {
        return root;
    }

    @Override
    public void put(String key, InputStream content, long length) {
        ObjectKeys.validate(key);
        if (length < 0) {
            throw new InvalidInputException("length must not be negative for '" + key + "': " + length);
        }
        checkNotTemp(key);
        Path target = resolve(key);
        Path tmp = null;
        try {
            createDirectories(target.getParent());
            tmp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
            try (FileChannel ch = FileChannel.open(tmp, posix
                    ? new java.util.HashSet<>(List.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                    : java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    fileAttributes(false))) {
                OutputStream out = Channels.newOutputStream(ch);
                long copied = copyExactly(content, out, length, key);
                if (copied != length) {
                    throw StorageException.permanent("stream for '" + key + "' ended after " + copied + " of " + length
                            + " bytes; nothing was stored", null);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw classify("write", key, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp name is never listed, so a leftover is invisible
                }
            }
        }
    }

    private static long copyExactly(InputStream in, OutputStream out, long length, String key) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        while (total < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - total));
            if (n < 0) {
                return total;
            }
            out.write(buf, 0, n);
            total += n;
        }
        if (in.read() >= 0) {
            throw StorageException.permanent("stream for '" + key + "' has more than the declared " + length
                    + " bytes; nothing was stored", null);
        }
        return total;
    }

    @Override
    public InputStream open(String key) {
        ObjectKeys.validate(key);
        checkNotTemp(key);
        Path file = resolve(key);
        try {
            if (Files.isDirectory(file)) {
                throw new ObjectNotFoundException(key, describe());
            }
            return Files.newInputStream(file);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new ObjectNotFoundException(key, describe());
        } catch (IOException e) {
            throw classify("open", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        if (isTemp(key)) {
            return Optional.empty();
        }
        Path file = resolve(key);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw classify("stat", key, e);
        }
    }

    /**
     * Confirms a file this store wrote: every put forces the file to disk before it is renamed into place, so a
     * file of the right size under the key is the one written, and the SHA-256 the caller computed while writing
     * is its content's.
     */
    @Override
    public Optional<StoreConfirmation> confirm(String key, long length) {
        ObjectInfo info = stat(key).orElseThrow(() -> new dev.rkebackup.core.IntegrityException("'" + key
                + "' is not in " + describe() + " right after it was written; check the directory"));
        if (info.size() != length) {
            throw new dev.rkebackup.core.IntegrityException("'" + key + "' has " + info.size() + " bytes in "
                    + describe() + " right after " + length + " were written; check the disk");
        }
        return Optional.of(new StoreConfirmation("fs-synced-size", "forced to disk and renamed into place, "
                + length + " bytes; SHA-256 computed while it was written"));
    }

    @Override
    public InputStream openRange(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        ObjectKeys.validate(key);
        checkNotTemp(key);
        Path file = resolve(key);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            return new BoundedInputStream(Channels.newInputStream(ch), length);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new ObjectNotFoundException(key, describe());
        } catch (IOException e) {
            throw classify("open", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.validatePrefix(prefix);
        // Walk only the deepest directory the prefix names, then filter by the full prefix.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
        List<ObjectInfo> result = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return result;
        }
        try (Stream<Path> walk = Files.walk(start)) {
            walk.forEach(p -> {
                if (p.getFileName() != null && p.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    return;
                }
                String key = toKey(p);
                if (key.isEmpty() || !key.startsWith(prefix)) {
                    return;
                }
                try {
                    BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
                    if (attrs.isRegularFile()) {
                        result.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                    }
                } catch (NoSuchFileException e) {
                    // deleted while listing: not there
                } catch (IOException e) {
                    throw classify("list", key, e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return list(prefix); // a directory vanished mid-walk; walk again
            }
            throw classify("list", prefix, e.getCause());
        } catch (IOException e) {
            throw classify("list", prefix, e);
        }
        result.sort(Comparator.comparing(ObjectInfo::key));
        return result;
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(ObjectKeys::validate);
        for (String key : keys) {
            if (isTemp(key)) {
                continue;
            }
            Path file = resolve(key);
            try {
                if (Files.isRegularFile(file)) {
                    Files.deleteIfExists(file);
                    removeEmptyParents(file.getParent());
                }
            } catch (IOException e) {
                throw classify("delete", key, e);
            }
        }
    }

    private void removeEmptyParents(Path dir) {
        Path d = dir;
        while (d != null && d.startsWith(root) && !d.equals(root)) {
            try {
                Files.delete(d);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return; // empty directories are harmless
            }
            d = d.getParent();
        }
    }

    @Override
    public String describe() {
        return root.toUri().toString();
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public String toString() {
        return "FileSystemObjectStore[" + root + "]";
    }

    private Path resolve(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) { // defence in depth; ObjectKeys already forbids '..'
            throw new InvalidInputException("invalid object key '" + key + "': it leaves the store directory");
        }
        return p;
    }

    private String toKey(Path p) {
        Path rel = root.relativize(p);
        return rel.toString().replace(p.getFileSystem().getSeparator(), "/");
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

    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, fileAttributes(true));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new NotDirectoryException(dir.toString());
            }
        }
    }

    private FileAttribute<?>[] fileAttributes(boolean directory) {
        if (!posix) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))
        };
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can fsync a directory; the data itself is already forced
        }
    }

    private static StorageException classify(String operation, String what, Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof AccessDeniedException) {
            return StorageException.permanent("cannot " + operation + " '" + what + "': permission denied (" + msg
                    + "); make the store directory writable for this user or choose another store", e);
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            return StorageException.permanent("cannot " + operation + " '" + what + "': a file stands where a directory"
                    + " is needed (" + msg + "); choose another store path", e);
        }
        if (msg.contains("No space left") || msg.contains("Disk quota")) {
            return StorageException.permanent("cannot " + operation + " '" + what + "': the disk is full (" + msg
                    + "); free space or choose another store", e);
        }
        return StorageException.retryable("cannot " + operation + " '" + what + "': " + msg, e);
    }
}
