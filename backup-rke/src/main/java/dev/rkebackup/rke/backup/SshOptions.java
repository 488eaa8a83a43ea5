package dev.rkebackup.rke.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach etcd nodes over SSH, beyond what the cluster config says.
 *
 * @param knownHosts the known-hosts file host keys are checked against ({@code ~/.ssh/known_hosts} by default)
 * @param skipHostKeyCheck accept any host key (logged as a warning on every connection); for throwaway labs only
 * @param sudo read root-only files with {@code sudo -n} and write snapshot files through it
 * @param connectTimeout how long to wait for a node to answer
 */
public record SshOptions(Path knownHosts, boolean skipHostKeyCheck, boolean sudo, Duration connectTimeout) {
    /** Validates the fields. */
    public SshOptions {
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /**
     * Host keys checked against {@code ~/.ssh/known_hosts}, no sudo, 30 s connect timeout.
     *
     * @return the defaults
     */
    public static SshOptions defaults() {
        return new SshOptions(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), false, false,
                Duration.ofSeconds(30));
    }

    /**
     * A copy with another known-hosts file.
     *
     * @param file the file
     * @return the copy
     */
    public SshOptions withKnownHosts(Path file) {
        return new SshOptions(file, skipHostKeyCheck, sudo, connectTimeout);
    }

    /**
     * A copy with the host-key check skipped or not.
     *
     * @param skip whether to accept any host key
     * @return the copy
     */
    public SshOptions withSkipHostKeyCheck(boolean skip) {
        return new SshOptions(knownHosts, skip, sudo, connectTimeout);
    }

    /**
     * A copy with sudo allowed or not.
     *
     * @param allowed whether {@code sudo -n} may be used
     * @return the copy
     */
    public SshOptions withSudo(boolean allowed) {
        return new SshOptions(knownHosts, skipHostKeyCheck, allowed, connectTimeout);
    }

    /**
     * A copy with another connect timeout.
     *
     * @param timeout the timeout
     * @return the copy
     */
    public SshOptions withConnectTimeout(Duration timeout) {
        return new SshOptions(knownHosts, skipHostKeyCheck, sudo, timeout);
    }

    static Optional<Path> expandHome(String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        if (path.equals("~") || path.startsWith("~/")) {
            return Optional.of(Path.of(System.getProperty("user.home") + path.substring(1)));
        }
        return Optional.of(Path.of(path));
    }
}
