package dev.rkebackup.etcd.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds tools on the PATH; a missing one fails the test with the package to install (never a skip). */
public final class TestBinaries {
    private TestBinaries() {
    }

    /**
     * Finds a binary.
     *
     * @param name the binary
     * @return its path, or empty
     */
    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : (path + File.pathSeparator + "/usr/bin:/usr/local/bin:/usr/sbin").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Optional.of(Path.of(d, name));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns a binary or throws naming the Debian package.
     *
     * @param name the binary
     * @param debianPackage its package
     * @return its path
     */
    public static Path require(String name, String debianPackage) {
        return find(name).orElseThrow(() -> new IllegalStateException("required binary '" + name
                + "' is not on the PATH; install it: apt-get install -y " + debianPackage
                + " (tests never skip when a required tool is missing)"));
    }
}
