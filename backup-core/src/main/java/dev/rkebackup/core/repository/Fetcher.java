package dev.rkebackup.core.repository;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/** Downloads a set into a directory, verified, 0600, never outside the directory. */
final class Fetcher {
    private Fetcher() {
    }

    static List<Path> fetch(BackupRepository repo, BackupRepository.ReadSet set, Path directory) {
        Manifest m = set.manifest();
        Path dir = directory.toAbsolutePath().normalize();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        List<Path> targets = new ArrayList<>();
        for (ArtifactEntry a : m.artifacts()) {
            Path target = dir.resolve(a.path()).normalize();
            if (!target.startsWith(dir) || target.equals(dir)) {
                throw new IntegrityException("artifact path '" + a.path() + "' in set " + m.setId()
                        + " would leave the target directory " + dir + "; the manifest is not trustworthy");
            }
            if (Files.exists(target)) {
                throw new InvalidInputException("cannot fetch set " + m.setId() + ": " + target
                        + " already exists; fetch into an empty directory or remove the file first");
            }
            targets.add(target);
        }
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ArtifactEntry a = m.artifacts().get(i);
            written.add(fetchOne(repo, m.setId(), a, set.cipher(), targets.get(i), posix));
        }
        return written;
    }

    private static Path fetchOne(BackupRepository repo, String setId, ArtifactEntry a,
            dev.rkebackup.core.crypto.SetCipher cipher, Path target, boolean posix) {
        Path tmp = null;
        try {
            Path parent = target.getParent();
            if (posix) {
                createDirs(parent);
            } else {
                Files.createDirectories(parent);
            }
            tmp = parent.resolve(".rkb-fetch-" + UUID.randomUUID());
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            try (InputStream in = VerifyingInputStream.open(repo, setId, a, cipher);
                 FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE), attrs)) {
                OutputStream out = Channels.newOutputStream(ch);
                in.transferTo(out);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new InvalidInputException(target + " appeared while fetching; not overwriting it");
            }
            tmp = null;
            return target;
        } catch (VerifyingInputStream.SizeMismatch | VerifyingInputStream.ChecksumMismatch e) {
            throw (IntegrityException) e.getCause();
        } catch (IOException e) {
            if (e.getCause() instanceof IntegrityException ie) {
                throw ie;
            }
            throw StorageException.permanent("cannot fetch " + a.path() + " of set " + setId + " into " + target + ": "
                    + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void createDirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            createDirs(dir.getParent());
        }
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
