package dev.rkebackup.rke.node;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a node's SSH host key is checked. The default is a known-hosts file; skipping the check must be chosen
 * explicitly and is logged as a warning on every connection.
 */
public sealed interface HostKeyPolicy permits HostKeyPolicy.KnownHosts, HostKeyPolicy.Insecure {

    /**
     * Check host keys against an OpenSSH {@code known_hosts} file (hashed entries, {@code [host]:port} entries and
     * {@code @revoked} markers are understood). An unknown host or a changed key is refused; the file is never
     * modified.
     *
     * @param file the known-hosts file
     * @return the policy
     */
    static HostKeyPolicy knownHosts(Path file) {
        return new KnownHosts(file);
    }

    /**
     * The user's {@code ~/.ssh/known_hosts}.
     *
     * @return the policy
     */
    static HostKeyPolicy userKnownHosts() {
        return new KnownHosts(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    }

    /**
     * Accept any host key. Exposes the connection (and the snapshots, which hold every cluster secret) to a
     * man-in-the-middle; a warning is logged on every connection.
     *
     * @return the policy
     */
    static HostKeyPolicy insecureAcceptAny() {
        return new Insecure();
    }

    /**
     * Known-hosts check.
     *
     * @param file the known-hosts file
     */
    record KnownHosts(Path file) implements HostKeyPolicy {
        /** Validates the path. */
        public KnownHosts {
            Objects.requireNonNull(file, "file");
        }
    }

    /** No host key check. */
    record Insecure() implements HostKeyPolicy {
    }
}
