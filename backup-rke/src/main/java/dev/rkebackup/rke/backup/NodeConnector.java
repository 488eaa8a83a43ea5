package dev.rkebackup.rke.backup;

import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.LocalNodeAccess;
import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshNodeAccess;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Opens a {@link NodeAccess} for an etcd node of the cluster config. Called once per node and per job, possibly from
 * several threads at once; each returned access is used by one thread and closed by the caller.
 */
@FunctionalInterface
public interface NodeConnector {
    /**
     * Connects to a node.
     *
     * @param node the node as the cluster config describes it
     * @return an open access; the caller closes it
     * @throws dev.rkebackup.rke.node.NodeAccessException if the node cannot be reached or refuses the login
     */
    NodeAccess connect(RkeNode node);

    /**
     * Every node is this machine: for running on an etcd node itself.
     *
     * @return the connector
     */
    static NodeConnector thisMachine() {
        return node -> LocalNodeAccess.system();
    }

    /**
     * Every node is a directory on this machine that stands in for the node's root file system: the node's
     * {@code /opt/rke/etcd-snapshots/x.zip} is {@code rootOf.apply(node)/opt/rke/etcd-snapshots/x.zip}.
     *
     * @param rootOf the directory that stands for each node's {@code /}
     * @return the connector
     */
    static NodeConnector localDirectories(Function<RkeNode, Path> rootOf) {
        Objects.requireNonNull(rootOf, "rootOf");
        return node -> LocalNodeAccess.rooted(rootOf.apply(node));
    }

    /**
     * Reaches each node over SSH/SFTP with the endpoint the function builds (address, port, user, key, host-key
     * policy, bastion, sudo).
     *
     * @param endpointOf the endpoint for each node; see {@link SshEndpoints#fromConfig}
     * @return the connector
     */
    static NodeConnector ssh(Function<RkeNode, NodeEndpoint> endpointOf) {
        Objects.requireNonNull(endpointOf, "endpointOf");
        return node -> SshNodeAccess.connect(endpointOf.apply(node));
    }
}
