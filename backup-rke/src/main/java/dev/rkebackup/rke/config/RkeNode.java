package dev.rkebackup.rke.config;

import dev.rkebackup.core.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code nodes[]} in a cluster config, with RKE's defaults applied where they do not depend on other
 * sections: {@code internal_address} and {@code hostname_override} default to {@code address}, {@code port} to
 * {@code "22"}, {@code docker_socket} to {@code /var/run/docker.sock}. {@link #sshKeyPath()} is the node's own value;
 * when absent RKE uses {@link ClusterConfig#sshKeyPath()}.
 *
 * <p>An inline {@code ssh_key} is held as a {@link Secret}, so {@link #toString()} is safe to log.
 * Immutable and thread-safe. Built by the parser, or by {@link #builder(String, String)} in tests and tools.
 */
public final class RkeNode {
    /** RKE's default Docker socket path on the node. */
    public static final String DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
    /** RKE's default SSH port. */
    public static final String DEFAULT_PORT = "22";

    private final String address;
    private final String internalAddress;
    private final String port;
    private final String user;
    private final Set<NodeRole> roles;
    private final String hostnameOverride;
    private final Secret sshKey;
    private final String sshKeyPath;
    private final String sshCert;
    private final String sshCertPath;
    private final String dockerSocket;
    private final Map<String, String> labels;
    private final List<Taint> taints;

    private RkeNode(Builder b) {
        this.address = b.address;
        this.internalAddress = b.internalAddress == null || b.internalAddress.isEmpty() ? b.address : b.internalAddress;
        this.port = b.port == null || b.port.isEmpty() ? DEFAULT_PORT : b.port;
        this.user = b.user;
        this.roles = Set.copyOf(b.roles);
        this.hostnameOverride = b.hostnameOverride == null || b.hostnameOverride.isEmpty() ? b.address
                : b.hostnameOverride;
        this.sshKey = b.sshKey;
        this.sshKeyPath = b.sshKeyPath;
        this.sshCert = b.sshCert;
        this.sshCertPath = b.sshCertPath;
        this.dockerSocket = b.dockerSocket == null || b.dockerSocket.isEmpty() ? DEFAULT_DOCKER_SOCKET
                : b.dockerSocket;
        this.labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
        this.taints = List.copyOf(b.taints);
    }

    /**
     * Starts a node with its two required fields.
     *
     * @param address SSH target address, not empty
     * @param user SSH user, not empty
     * @return a builder
     * @throws IllegalArgumentException if a value is empty
     */
    public static Builder builder(String address, String user) {
        return new Builder(address, user);
    }

    /** @return {@code address}: the SSH target */
    public String address() {
        return address;
    }

    /** @return {@code internal_address}, or {@code address} when unset; used for etcd client/peer URLs */
    public String internalAddress() {
        return internalAddress;
    }

    /** @return {@code port} as a string (RKE's type), {@code "22"} when unset */
    public String port() {
        return port;
    }

    /** @return {@code user}: the SSH user, which needs Docker socket access on the node */
    public String user() {
        return user;
    }

    /** @return the roles, possibly empty */
    public Set<NodeRole> roles() {
        return roles;
    }

    /** @return true when the node has the etcd role */
    public boolean isEtcd() {
        return roles.contains(NodeRole.ETCD);
    }

    /** @return {@code hostname_override}, or {@code address} when unset */
    public String hostnameOverride() {
        return hostnameOverride;
    }

    /** @return the etcd member name RKE gives this node: {@code etcd-<hostname_override lower-cased>} */
    public String etcdMemberName() {
        return "etcd-" + hostnameOverride.toLowerCase(Locale.ROOT);
    }

    /** @return the inline private key {@code ssh_key}; it wins over any key path */
    public Optional<Secret> sshKey() {
        return Optional.ofNullable(sshKey);
    }

    /** @return the node's own {@code ssh_key_path}; absent means the cluster-level path */
    public Optional<String> sshKeyPath() {
        return Optional.ofNullable(sshKeyPath);
    }

    /** @return the inline SSH certificate {@code ssh_cert} (RKE v0.2.0+) */
    public Optional<String> sshCert() {
        return Optional.ofNullable(sshCert);
    }

    /** @return {@code ssh_cert_path} (RKE v0.2.0+) */
    public Optional<String> sshCertPath() {
        return Optional.ofNullable(sshCertPath);
    }

    /** @return {@code docker_socket}, {@value #DEFAULT_DOCKER_SOCKET} when unset (a path on the node) */
    public String dockerSocket() {
        return dockerSocket;
    }

    /** @return {@code labels}, in file order */
    public Map<String, String> labels() {
        return labels;
    }

    /** @return {@code taints} */
    public List<Taint> taints() {
        return taints;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RkeNode n && address.equals(n.address) && internalAddress.equals(n.internalAddress)
                && port.equals(n.port) && user.equals(n.user) && roles.equals(n.roles)
                && hostnameOverride.equals(n.hostnameOverride) && Objects.equals(sshKey, n.sshKey)
                && Objects.equals(sshKeyPath, n.sshKeyPath) && Objects.equals(sshCert, n.sshCert)
                && Objects.equals(sshCertPath, n.sshCertPath) && dockerSocket.equals(n.dockerSocket)
                && labels.equals(n.labels) && taints.equals(n.taints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, internalAddress, port, user, roles, hostnameOverride);
    }

    @Override
    public String toString() {
        return "RkeNode[address=" + address + ", internalAddress=" + internalAddress + ", port=" + port
                + ", user=" + user + ", roles=" + roles + ", hostnameOverride=" + hostnameOverride
                + ", sshKey=" + (sshKey == null ? "absent" : Secret.REDACTED) + ", sshKeyPath=" + sshKeyPath
                + ", sshCertPath=" + sshCertPath + ", dockerSocket=" + dockerSocket + "]";
    }

    /** Collects the fields of an {@link RkeNode}. Not thread-safe. */
    public static final class Builder {
        private final String address;
        private final String user;
        private String internalAddress;
        private String port;
        private final List<NodeRole> roles = new ArrayList<>();
        private String hostnameOverride;
        private Secret sshKey;
        private String sshKeyPath;
        private String sshCert;
        private String sshCertPath;
        private String dockerSocket;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Taint> taints = new ArrayList<>();

        private Builder(String address, String user) {
            this.address = requireText(address, "address");
            this.user = requireText(user, "user");
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }

        /** @param value internal address @return this builder */
        public Builder internalAddress(String value) {
            this.internalAddress = Objects.requireNonNull(value, "internalAddress");
            return this;
        }

        /** @param value SSH port as text @return this builder */
        public Builder port(String value) {
            this.port = Objects.requireNonNull(value, "port");
            return this;
        }

        /** @param value roles to add @return this builder */
        public Builder roles(NodeRole... value) {
            for (NodeRole r : value) {
                roles.add(Objects.requireNonNull(r, "role"));
            }
            return this;
        }

        /** @param value hostname override @return this builder */
        public Builder hostnameOverride(String value) {
            this.hostnameOverride = Objects.requireNonNull(value, "hostnameOverride");
            return this;
        }

        /** @param value inline private key @return this builder */
        public Builder sshKey(Secret value) {
            this.sshKey = Objects.requireNonNull(value, "sshKey");
            return this;
        }

        /** @param value private key path on the RKE host @return this builder */
        public Builder sshKeyPath(String value) {
            this.sshKeyPath = Objects.requireNonNull(value, "sshKeyPath");
            return this;
        }

        /** @param value inline SSH certificate @return this builder */
        public Builder sshCert(String value) {
            this.sshCert = Objects.requireNonNull(value, "sshCert");
            return this;
        }

        /** @param value SSH certificate path @return this builder */
        public Builder sshCertPath(String value) {
            this.sshCertPath = Objects.requireNonNull(value, "sshCertPath");
            return this;
        }

        /** @param value Docker socket path on the node @return this builder */
        public Builder dockerSocket(String value) {
            this.dockerSocket = Objects.requireNonNull(value, "dockerSocket");
            return this;
        }

        /** @param key label key @param value label value @return this builder */
        public Builder label(String key, String value) {
            labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param value a taint @return this builder */
        public Builder taint(Taint value) {
            taints.add(Objects.requireNonNull(value, "taint"));
            return this;
        }

        /** @return the node */
        public RkeNode build() {
            return new RkeNode(this);
        }
    }
}
