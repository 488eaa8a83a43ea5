package dev.rkebackup.rke.config.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Atomic file replacement (temp file in the same directory, fsync, atomic move). Stateless; not a published API. */
public final class AtomicFiles {
    /** Owner read/write only. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code target} atomically: readers see the old file or the new one, never a mix.
     *
     * @param target file to create or replace
     * @param bytes the content
     * @param permissions POSIX permissions of the new file (ignored where the file system has none)
     * @throws IOException if writing or moving fails; the temporary file is removed then
     */
    public static void write(Path target, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
        write(target, bytes, permissions, null);
    }

    /**
     * Replaces an existing file atomically, giving the new file the old one's permissions, and its owner and group
     * where the process may set them (otherwise they are the process's, as for any new file).
     *
     * @param target the existing file
     * @param bytes the new content
     * @throws IOException if reading the attributes, writing or moving fails; the temporary file is removed then
     */
    public static void replace(Path target, byte[] bytes) throws IOException {
        replace(target, bytes, false);
    }

    /**
     * Like {@link #replace(Path, byte[])}, but when {@code ownerOnly} is set the group and other permission bits are
     * dropped: for content that holds secrets the original file did not.
     *
     * @param target the existing file
     * @param bytes the new content
     * @param ownerOnly whether to drop group and other permissions
     * @return true when permissions were narrowed
     * @throws IOException if reading the attributes, writing or moving fails; the temporary file is removed then
     */
    public static boolean replace(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
        PosixFileAttributes attrs = Files.getFileAttributeView(target, PosixFileAttributeView.class) == null ? null
                : Files.readAttributes(target, PosixFileAttributes.class);
        Set<PosixFilePermission> perms = attrs == null ? PRIVATE : attrs.permissions();
        boolean narrowed = false;
        if (ownerOnly && attrs != null) {
            Set<PosixFilePermission> owner = java.util.EnumSet.noneOf(PosixFilePermission.class);
            perms.stream().filter(p -> p.name().startsWith("OWNER_")).forEach(owner::add);
            narrowed = !owner.equals(perms);
            perms = owner;
        }
        write(target, bytes, perms, attrs);
        return narrowed;
    }

    private static void write(Path target, byte[] bytes, Set<PosixFilePermission> permissions,
            PosixFileAttributes owner) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE)} : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attrs);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (posix) {
                // set after creation so the umask cannot widen or narrow what the caller asked for
                Files.setPosixFilePermissions(tmp, permissions);
                if (owner != null) {
                    copyOwner(tmp, owner);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Copies a file to a backup name next to it: {@code <name>.bak}, or {@code <name>.bak.N} with the smallest free
     * N when that exists, keeping the original's permissions. Existing backups are never overwritten.
     *
     * @param file the file to back up
     * @return the backup path
     * @throws IOException if copying fails
     */
    public static Path backupCopy(Path file) throws IOException {
        Path candidate = file.resolveSibling(file.getFileName() + ".bak");
        for (int n = 1; n < 10_000; n++) {
            try {
                Files.copy(file, candidate, StandardCopyOption.COPY_ATTRIBUTES);
                return candidate;
            } catch (FileAlreadyExistsException e) {
                candidate = file.resolveSibling(file.getFileName() + ".bak." + n);
            }
        }
        throw new IOException("too many backup copies of " + file);
    }

    private static void copyOwner(Path file, PosixFileAttributes owner) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        try {
            view.setGroup(owner.group());
        } catch (IOException | SecurityException e) {
            // not permitted: the file keeps the process's group, like any file it creates
        }
        try {
            view.setOwner(owner.owner());
        } catch (IOException | SecurityException e) {
            // not permitted (only root may give files away): the file keeps the process's owner
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every platform can fsync a directory
        }
    }
}
