package dev.rkebackup.rke.exec.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rkebackup.core.BackupException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private, throwaway copy of a cluster.yml for one {@code rke} run: a 0700 directory holding the config (0600,
 * same file name, so RKE derives the same state-file name), the {@code <base>.rkestate} and
 * {@code kube_config_<file>} from next to the original (RKE looks for them next to {@code --config}), and any
 * further private files (a CA file). {@link #close()} deletes everything; a JVM shutdown hook deletes copies
 * still open when the JVM exits. Not thread-safe; one run owns it.
 */
public final class PrivateConfigCopy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateConfigCopy.class);
    private static final Set<Path> OPEN = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(PrivateConfigCopy::deleteTree),
                "rke-private-config-cleanup"));
    }

    private final Path directory;
    private final Path configFile;

    private PrivateConfigCopy(Path directory, Path configFile) {
        this.directory = directory;
        this.configFile = configFile;
    }

    /** Writes the config file of the copy. */
    @FunctionalInterface
    public interface ConfigWriter {
        /**
         * Writes the config to {@code target} (which does not exist yet) with mode 0600.
         *
         * @param target the file to create
         * @throws IOException on failure
         */
        void write(Path target) throws IOException;
    }

    /**
     * Returns a writer that serialises a config tree as YAML (used only when a section must be removed, which the
     * byte-preserving editor cannot do).
     *
     * @param tree the document
     * @return the writer
     */
    public static ConfigWriter yamlTree(JsonNode tree) {
        return target -> {
            Files.createFile(target,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(target, YAML.writeValueAsString(tree), StandardCharsets.UTF_8,
                    StandardOpenOption.TRUNCATE_EXISTING);
        };
    }

    /**
     * Writes the copy.
     *
     * @param parent where to create the private directory (e.g. {@code java.io.tmpdir})
     * @param configFileName the original config's file name
     * @param writer writes the config file
     * @param siblings files to copy next to the config (missing ones are skipped)
     * @return the copy; the caller closes it
     * @throws BackupException if the copy cannot be written (nothing is left behind)
     */
    public static PrivateConfigCopy create(Path parent, String configFileName, ConfigWriter writer,
            List<Path> siblings) {
        Path dir;
        try {
            dir = Files.createTempDirectory(parent, "rke-run-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            throw new BackupException("Cannot create a private temporary directory in " + parent + " for the rke "
                    + "config copy: " + e.getMessage() + ". Check that the directory exists, is writable and is on "
                    + "a POSIX file system, or configure another work directory.", e);
        }
        OPEN.add(dir);
        PrivateConfigCopy copy = new PrivateConfigCopy(dir, dir.resolve(configFileName));
        try {
            writer.write(copy.configFile);
            for (Path sibling : siblings) {
                if (Files.isRegularFile(sibling)) {
                    try (OutputStream out = copy.openPrivate(sibling.getFileName().toString())) {
                        Files.copy(sibling, out);
                    }
                }
            }
            return copy;
        } catch (IOException | RuntimeException e) {
            copy.close();
            throw new BackupException("Cannot write the private copy of " + configFileName + " into " + dir + ": "
                    + e.getMessage() + ". Check free space and permissions of the work directory.", e);
        }
    }

    /**
     * Removes {@code services.etcd.backup_config.s3backupconfig} from a config tree, if present.
     *
     * @param tree the document root (changed in place)
     * @return true when something was removed
     */
    public static boolean removeS3(ObjectNode tree) {
        JsonNode backup = tree.path("services").path("etcd").path("backup_config");
        return backup instanceof ObjectNode o && o.remove("s3backupconfig") != null;
    }

    /**
     * Writes a further private file (mode 0600) into the directory.
     *
     * @param name the file name
     * @param content the content
     * @return the file
     */
    public Path writeFile(String name, String content) {
        try (OutputStream out = openPrivate(name)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(name);
        } catch (IOException e) {
            throw new BackupException("Cannot write " + name + " into " + directory + ": " + e.getMessage(), e);
        }
    }

    private OutputStream openPrivate(String name) throws IOException {
        Path file = directory.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
    }

    /** @return the config file to pass with {@code --config} */
    public Path configFile() {
        return configFile;
    }

    /** @return the private directory */
    public Path directory() {
        return directory;
    }

    /** Deletes the directory and everything in it; logs (without secrets) what could not be deleted. */
    @Override
    public void close() {
        deleteTree(directory);
        OPEN.remove(directory);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.error("Could not delete {} (part of a private rke config copy that may hold S3 keys): {}."
                            + " Delete it by hand.", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.error("Could not clean up the private rke config copy {}: {}. Delete it by hand.", dir, e.toString());
        }
    }
}
