package dev.rkebackup.rke.backup;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.BastionHost;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshCertificate;
import dev.rkebackup.rke.node.SshKey;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds SSH endpoints the way RKE reaches its nodes (rke-facts 2.6): the node's inline {@code ssh_key} wins over
 * its {@code ssh_key_path}, which defaults to the cluster's {@code ssh_key_path}; {@code ssh_agent_auth} at cluster
 * level makes every connection use the agent (the only way to use passphrase-protected keys); SSH certificates inline
 * or by path; {@code bastion_host} as a jump host.
 */
public final class SshEndpoints {
    private SshEndpoints() {
    }

    /**
     * A function from a node of {@code config} to its endpoint.
     *
     * @param config the cluster config
     * @param options host-key policy, sudo, timeout
     * @return the mapping, for {@link NodeConnector#ssh}
     */
    public static Function<RkeNode, NodeEndpoint> fromConfig(ClusterConfig config, SshOptions options) {
        Optional<NodeEndpoint> bastion = config.bastionHost().map(b -> bastion(config, b, options));
        return node -> {
            NodeEndpoint.Builder b = NodeEndpoint.builder(node.address(), node.user())
                    .port(port(node.port(), "node " + node.address()))
                    .key(key(config, node.sshKey(), node.sshKeyPath()))
                    .certificate(certificate(config, node.sshCert(), node.sshCertPath()))
                    .hostKeys(hostKeys(options))
                    .sudoAllowed(options.sudo())
                    .connectTimeout(options.connectTimeout());
            bastion.ifPresent(b::bastion);
            return b.build();
        };
    }

    private static NodeEndpoint bastion(ClusterConfig config, BastionHost b, SshOptions options) {
        String user = b.user().orElseThrow(() -> new InvalidInputException("bastion_host " + b.address()
                + " in " + config.sourceName() + " has no user; add 'user:' under bastion_host"));
        return NodeEndpoint.builder(b.address(), user)
                .port(port(b.port(), "bastion_host " + b.address()))
                .key(key(config, b.sshKey(), b.sshKeyPath()))
                .certificate(certificate(config, b.sshCert(), b.sshCertPath()))
                .hostKeys(hostKeys(options))
                .connectTimeout(options.connectTimeout())
                .build();
    }

    private static SshKey key(ClusterConfig config, Optional<Secret> inline, Optional<String> path) {
        if (config.sshAgentAuth()) {
            return SshKey.agent();
        }
        if (inline.isPresent() && !inline.get().isEmpty()) {
            return SshKey.inline(inline.get());
        }
        String p = path.filter(s -> !s.isBlank()).orElse(config.sshKeyPath());
        return SshKey.file(SshOptions.expandHome(p).orElseThrow(() -> new InvalidInputException(
                "no SSH key for the nodes of " + config.sourceName() + "; set ssh_key_path or ssh_agent_auth")));
    }

    private static SshCertificate certificate(ClusterConfig config, Optional<String> inline, Optional<String> path) {
        if (inline.isPresent() && !inline.get().isBlank()) {
            return SshCertificate.inline(inline.get());
        }
        Optional<String> p = path.filter(s -> !s.isBlank()).or(config::sshCertPath);
        return p.flatMap(SshOptions::expandHome).map(SshCertificate::file).orElse(SshCertificate.none());
    }

    private static HostKeyPolicy hostKeys(SshOptions options) {
        return options.skipHostKeyCheck() ? HostKeyPolicy.insecureAcceptAny()
                : HostKeyPolicy.knownHosts(options.knownHosts());
    }

    private static int port(String port, String what) {
        try {
            int p = Integer.parseInt(port.trim());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("port '" + port + "' of " + what + " is not a TCP port (1-65535)");
        }
    }
}
