package dev.rkebackup.rke.exec;

import dev.rkebackup.core.CommandException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.exec.internal.ProcessRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code rke} executable and the version it reported with {@code rke --version}
 * ({@code rke version v1.3.15}).
 *
 * <pre>{@code
 * RkeBinary rke = RkeBinary.onPath();                 // or RkeBinary.at(Path.of("/usr/local/bin/rke"))
 * RkeVersion v = rke.version();
 * }</pre>
 * Immutable and thread-safe.
 */
public final class RkeBinary {
    private static final Logger LOG = LoggerFactory.getLogger(RkeBinary.class);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private final Path path;
    private final RkeVersion version;

    private RkeBinary(Path path, RkeVersion version) {
        this.path = path;
        this.version = version;
    }

    /**
     * Identifies the {@code rke} at an explicit path by running {@code <path> --version}.
     *
     * @param path the executable
     * @return the identified binary
     * @throws InvalidInputException if the file is missing, a directory or not executable, or the version it
     *     prints cannot be parsed
     * @throws CommandException if {@code --version} fails, hangs (30 s) or prints nothing usable
     */
    public static RkeBinary at(Path path) {
        Objects.requireNonNull(path, "path");
        Path abs = path.toAbsolutePath();
        if (!Files.exists(abs)) {
            throw new InvalidInputException("No rke executable at " + abs + ": the file does not exist. Install RKE "
                    + "(https://github.com/rancher/rke/releases) or pass the right path.");
        }
        if (Files.isDirectory(abs)) {
            throw new InvalidInputException(abs + " is a directory, not the rke executable. Pass the path of the "
                    + "rke binary itself.");
        }
        if (!Files.isExecutable(abs)) {
            throw new InvalidInputException(abs + " is not executable by this user. Run chmod +x " + abs
                    + " or pass another rke binary.");
        }
        return new RkeBinary(abs, identify(abs));
    }

    /**
     * Describes an {@code rke} that is not on this machine, for building commands to show (a restore command to
     * run later on the admin host). Nothing is executed and the path is not checked; {@link RkeRunner} refuses to
     * start it only if it does not exist.
     *
     * @param path how the command should name the executable, such as {@code ./rke}
     * @param version the RKE version the commands are built for
     * @return the described binary
     */
    public static RkeBinary assumed(Path path, RkeVersion version) {
        return new RkeBinary(Objects.requireNonNull(path, "path"), Objects.requireNonNull(version, "version"));
    }

    /**
     * Finds {@code rke} in the directories of the {@code PATH} environment variable and identifies it.
     *
     * @return the identified binary
     * @throws InvalidInputException if no executable {@code rke} is on the PATH
     * @throws CommandException if {@code rke --version} fails
     */
    public static RkeBinary onPath() {
        return onPath(System.getenv().getOrDefault("PATH", ""));
    }

    /**
     * Finds {@code rke} in the directories of the given search path and identifies it.
     *
     * @param searchPath directories separated by {@link File#pathSeparator}
     * @return the identified binary
     * @throws InvalidInputException if no executable {@code rke} is in those directories
     * @throws CommandException if {@code rke --version} fails
     */
    public static RkeBinary onPath(String searchPath) {
        Optional<Path> found = find(searchPath);
        if (found.isEmpty()) {
            throw new InvalidInputException("No executable named rke in the PATH directories [" + searchPath
                    + "]. Install RKE (https://github.com/rancher/rke/releases) into one of them, or pass its "
                    + "path explicitly (RkeBinary.at(path)).");
        }
        return at(found.get());
    }

    private static Optional<Path> find(String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, "rke");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static RkeVersion identify(Path abs) {
        List<String> argv = List.of(abs.toString(), "--version");
        List<String> lines = new ArrayList<>();
        ProcessRunner.Execution ex;
        try {
            ex = ProcessRunner.run(argv, abs.getParent(),
                    dev.rkebackup.rke.exec.internal.ChildEnvironment.filter(System.getenv()), VERSION_TIMEOUT,
                    (line, stream) -> {
                        synchronized (lines) {
                            if (lines.size() < 50) {
                                lines.add(line);
                            }
                        }
                    });
        } catch (ProcessRunner.StartException e) {
            throw new CommandException("Cannot start " + abs + " --version: " + e.getMessage()
                    + ". Check that it is an rke binary for this operating system and CPU.", argv, -1, "", e);
        }
        String tail;
        synchronized (lines) {
            tail = String.join("\n", lines);
        }
        if (ex.timedOut() || ex.cancelled() || ex.exitCode() != 0) {
            throw new CommandException(abs + " --version " + (ex.timedOut() ? "did not finish within "
                    + VERSION_TIMEOUT.toSeconds() + " s" : "failed with exit code " + ex.exitCode())
                    + ". Check that it is a working rke binary.", argv, ex.exitCode(), tail, null);
        }
        String versionLine = lines.stream().filter(l -> l.startsWith("rke version ")).findFirst()
                .orElseThrow(() -> new CommandException(abs + " --version did not print \"rke version ...\"; is it "
                        + "really rke? Output: " + tail, argv, 0, tail, null));
        RkeVersion version = RkeVersion.parse(versionLine);
        if (!version.isKnown()) {
            LOG.warn("{} reports version {}, which the verified RKE facts do not cover; rke-backup treats it by its "
                    + "version number", abs, version);
        }
        LOG.debug("{} is rke {}", abs, version);
        return version;
    }

    /** @return the absolute path of the executable */
    public Path path() {
        return path;
    }

    /** @return the version from {@code rke --version} */
    public RkeVersion version() {
        return version;
    }

    @Override
    public String toString() {
        return "rke " + version + " at " + path;
    }
}
