package dev.rkebackup.etcd;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.NodeEndpoint;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How to reach each etcd member of an RKE cluster: directly at {@code <internal_address>:2379} (the endpoint RKE
 * itself uses), or through an SSH local forward to {@code 127.0.0.1:2379} on the node, verified with authority
 * {@code localhost} (RKE puts {@code 127.0.0.1} and {@code localhost} into every member certificate).
 *
 * <p>Immutable and thread-safe.
 */
public final class EtcdTargets {
    /** etcd's client port on RKE nodes. */
    public static final int DEFAULT_PORT = 2379;

    private final Function<RkeNode, NodeEndpoint> ssh;
    private final int port;
    private final Function<RkeNode, InetSocketAddress> address;

    private EtcdTargets(Function<RkeNode, NodeEndpoint> ssh, int port, Function<RkeNode, InetSocketAddress> address) {
        this.ssh = ssh;
        this.port = port;
        this.address = address;
    }

    /**
     * Direct TLS connections to {@code <internal_address>:2379} (else {@code address}).
     *
     * @return the targets
     */
    public static EtcdTargets direct() {
        return new EtcdTargets(null, DEFAULT_PORT, null);
    }

    /**
     * Through an SSH local forward per node to the member's port on the node's {@code 127.0.0.1}.
     *
     * @param ssh the SSH endpoint of each node (see {@code SshEndpoints.fromConfig})
     * @return the targets
     */
    public static EtcdTargets viaSsh(Function<RkeNode, NodeEndpoint> ssh) {
        return new EtcdTargets(Objects.requireNonNull(ssh, "ssh"), DEFAULT_PORT, null);
    }

    /**
     * A copy with another etcd client port.
     *
     * @param value the port
     * @return the copy
     */
    public EtcdTargets port(int value) {
        if (value < 1 || value > 65535) {
            throw new InvalidInputException("etcd port must be 1-65535, got " + value);
        }
        return new EtcdTargets(ssh, value, address);
    }

    /**
     * A copy whose connections go to another address per node (a proxy, a NAT address; for SSH, the address to
     * forward to as seen from the node). The member's certificate is still verified against the node's address
     * (direct) or {@code localhost} (SSH).
     *
     * @param value the address for each node
     * @return the copy
     */
    public EtcdTargets address(Function<RkeNode, InetSocketAddress> value) {
        return new EtcdTargets(ssh, port, Objects.requireNonNull(value, "address"));
    }

    /**
     * Whether connections go through SSH.
     *
     * @return true for {@link #viaSsh}
     */
    public boolean throughSsh() {
        return ssh != null;
    }

    Optional<NodeEndpoint> sshEndpoint(RkeNode node) {
        return ssh == null ? Optional.empty() : Optional.of(ssh.apply(node));
    }

    /** Where to connect (direct) or forward to (SSH). */
    InetSocketAddress target(RkeNode node) {
        if (address != null) {
            return address.apply(node);
        }
        String host = ssh != null ? "127.0.0.1" : memberAddress(node);
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The name the member certificate is checked against. */
    String authority(RkeNode node) {
        return ssh != null ? "localhost" : memberAddress(node);
    }

    static String memberAddress(RkeNode node) {
        String internal = node.internalAddress();
        return internal == null || internal.isBlank() ? node.address() : internal;
    }

    @Override
    public String toString() {
        return ssh != null ? "etcd via SSH forward to 127.0.0.1:" + port : "etcd at <internal_address>:" + port;
    }
}
