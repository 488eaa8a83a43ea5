package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Test helper: checks that a file on a stand-in node is a real etcd snapshot, plain or zipped the RKE way. */
final class SnapshotFiles {
    private SnapshotFiles() {
    }

    /** Returns the zip entry names after checking that the /backup/ entry is an etcd API snapshot. */
    static List<String> checkZip(Path zip, String name) throws IOException {
        List<String> entries = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e.getName());
                if (e.getName().equals("/backup/" + name)) {
                    checkSnapshotStream(in);
                }
            }
        }
        assertThat(entries).contains("/backup/" + name);
        return entries;
    }

    static void checkPlain(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            checkSnapshotStream(in);
        }
    }

    /** bbolt magic at offset 16 and the 32-byte sha256 trailer of etcdctl snapshots (size % 4096 == 32). */
    private static void checkSnapshotStream(InputStream in) throws IOException {
        byte[] head = in.readNBytes(20);
        assertThat(new byte[] {head[16], head[17], head[18], head[19]}).containsExactly(0xed, 0xda, 0x0c, 0xed);
        long size = 20 + in.transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(size % 4096).isEqualTo(32);
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
