package dev.rkebackup.rke.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one node over SSH, as RKE does from cluster.yml: address, port, user, key (inline, file or agent),
 * optional certificate, optional bastion (jump host), the host key check, and whether {@code sudo -n} may be used
 * for files only root can read.
 *
 * <p>Immutable and safe to print: inline keys are {@link dev.rkebackup.core.Secret}s and show as {@code ********}.
 *
 * <pre>{@code
 * NodeEndpoint node = NodeEndpoint.builder("10.0.0.11", "rancher")
 *         .key(SshKey.file(Path.of("/home/me/.ssh/id_ed25519")))
 *         .hostKeys(HostKeyPolicy.knownHosts(Path.of("/home/me/.ssh/known_hosts")))
 *         .bastion(NodeEndpoint.builder("bastion.example.com", "jump").build())
 *         .sudoAllowed(true)
 *         .build();
 * }</pre>
 *
 * @param address host name or IP the SSH connection goes to ({@code address} in cluster.yml)
 * @param port SSH port, 1 to 65535
 * @param user login user
 * @param key where the private key comes from
 * @param certificate optional user certificate presented with the key
 * @param hostKeys how the host key is checked
 * @param jumpHosts hosts to go through, outermost first; RKE's {@code bastion_host} gives at most one
 * @param sudoAllowed whether files the user cannot read (or write) may be handled through {@code sudo -n}
 * @param connectTimeout limit for connecting and authenticating (each hop)
 */
public record NodeEndpoint(String address, int port, String user, SshKey key, SshCertificate certificate,
        HostKeyPolicy hostKeys, List<NodeEndpoint> jumpHosts, boolean sudoAllowed, Duration connectTimeout) {

    /** Default SSH port. */
    public static final int DEFAULT_PORT = 22;
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Validates the components and copies the jump host list. */
    public NodeEndpoint {
        requireText(address, "address");
        requireText(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SSH port of " + address + " must be 1..65535, not " + port);
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(hostKeys, "hostKeys");
        jumpHosts = List.copyOf(jumpHosts);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
        }
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /**
     * Starts a builder with RKE's defaults: port 22, key file {@code ~/.ssh/id_rsa}, no certificate, the user's
     * {@code ~/.ssh/known_hosts}, no bastion, no sudo, 30 s connect timeout.
     *
     * @param address host name or IP
     * @param user login user
     * @return the builder
     */
    public static Builder builder(String address, String user) {
        return new Builder(address, user);
    }

    /**
     * Returns a builder preset with this endpoint's values.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(address, user);
        b.port = port;
        b.key = key;
        b.certificate = certificate;
        b.hostKeys = hostKeys;
        b.jumpHosts = jumpHosts;
        b.sudoAllowed = sudoAllowed;
        b.connectTimeout = connectTimeout;
        return b;
    }

    /**
     * The bastion this node is reached through, when there is exactly one jump host (RKE's {@code bastion_host}).
     *
     * @return the innermost jump host, or empty for a direct connection
     */
    public Optional<NodeEndpoint> bastion() {
        return jumpHosts.isEmpty() ? Optional.empty() : Optional.of(jumpHosts.get(jumpHosts.size() - 1));
    }

    /**
     * Short description for messages, e.g. {@code rancher@10.0.0.11:22 via jump@bastion:22}. No secrets.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(user).append('@').append(address).append(':').append(port);
        for (NodeEndpoint j : jumpHosts) {
            sb.append(" via ").append(j.user).append('@').append(j.address).append(':').append(j.port);
        }
        return sb.toString();
    }

    /** Builder for {@link NodeEndpoint}; not thread-safe. */
    public static final class Builder {
        private final String address;
        private final String user;
        private int port = DEFAULT_PORT;
        private SshKey key = SshKey.file(Path.of(System.getProperty("user.home"), ".ssh", "id_rsa"));
        private SshCertificate certificate = SshCertificate.none();
        private HostKeyPolicy hostKeys = HostKeyPolicy.userKnownHosts();
        private List<NodeEndpoint> jumpHosts = List.of();
        private boolean sudoAllowed;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder(String address, String user) {
            this.address = address;
            this.user = user;
        }

        /**
         * Sets the SSH port.
         *
         * @param value 1..65535
         * @return this builder
         */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /**
         * Sets the key source.
         *
         * @param value the key source
         * @return this builder
         */
        public Builder key(SshKey value) {
            this.key = Objects.requireNonNull(value, "key");
            return this;
        }

        /**
         * Sets the user certificate.
         *
         * @param value the certificate source
         * @return this builder
         */
        public Builder certificate(SshCertificate value) {
            this.certificate = Objects.requireNonNull(value, "certificate");
            return this;
        }

        /**
         * Sets the host key policy.
         *
         * @param value the policy
         * @return this builder
         */
        public Builder hostKeys(HostKeyPolicy value) {
            this.hostKeys = Objects.requireNonNull(value, "hostKeys");
            return this;
        }

        /**
         * Reaches the node through one bastion (jump host).
         *
         * @param value the bastion's endpoint (its own key, user and host key policy apply to it)
         * @return this builder
         */
        public Builder bastion(NodeEndpoint value) {
            this.jumpHosts = List.of(Objects.requireNonNull(value, "bastion"));
            return this;
        }

        /**
         * Reaches the node through several jump hosts, outermost first.
         *
         * @param value the jump hosts, may be empty
         * @return this builder
         */
        public Builder jumpHosts(List<NodeEndpoint> value) {
            this.jumpHosts = List.copyOf(value);
            return this;
        }

        /**
         * Allows {@code sudo -n} for files the login user cannot read or write.
         *
         * @param value true to allow
         * @return this builder
         */
        public Builder sudoAllowed(boolean value) {
            this.sudoAllowed = value;
            return this;
        }

        /**
         * Sets the connect and authentication timeout.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
            return this;
        }

        /**
         * Builds the endpoint.
         *
         * @return the endpoint
         * @throws IllegalArgumentException if a value is invalid
         */
        public NodeEndpoint build() {
            return new NodeEndpoint(address, port, user, key, certificate, hostKeys, jumpHosts, sudoAllowed,
                    connectTimeout);
        }
    }
}
