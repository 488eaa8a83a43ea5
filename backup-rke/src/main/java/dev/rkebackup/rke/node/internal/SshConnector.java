package dev.rkebackup.rke.node.internal;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.NodeAccessException.Problem;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshKey;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an authenticated SSH session to a node, through its jump hosts if any. Each hop gets its own MINA client so
 * that its key, host key policy and agent apply to it alone; nothing is read from {@code ~/.ssh/config} or the
 * default identity files. Failures become {@link NodeAccessException}s (or {@link InvalidInputException}s for
 * unusable settings) that name the hop and say what to do.
 */
public final class SshConnector {
    private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);

    private SshConnector() {
    }

    /**
     * Connects and authenticates.
     *
     * @param endpoint the node
     * @return the open connection; the caller closes it
     * @throws NodeAccessException if a hop is unreachable, refuses the key, or has an unknown or changed host key
     * @throws InvalidInputException if a key, certificate or agent setting cannot be used
     */
    public static Connection connect(NodeEndpoint endpoint) {
        List<NodeEndpoint> chain = new ArrayList<>(endpoint.jumpHosts());
        chain.add(endpoint);
        Connection conn = new Connection(endpoint.describe());
        try {
            ClientSession previous = null;
            for (int i = 0; i < chain.size(); i++) {
                NodeEndpoint hop = chain.get(i);
                String role = i == chain.size() - 1 ? "node " + hop.describe() : "jump host " + hop.describe();
                previous = openHop(conn, hop, role, previous, endpoint.describe());
            }
            return conn;
        } catch (RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    private static ClientSession openHop(Connection conn, NodeEndpoint hop, String role, ClientSession through,
            String node) {
        List<KeyPair> keys = KeyLoader.load(hop.key(), hop.certificate(), hop.describe());
        HostKeyCheck check;
        if (hop.hostKeys() instanceof HostKeyPolicy.KnownHosts kh) {
            check = HostKeyCheck.knownHosts(kh.file());
        } else {
            LOG.warn("host key check is DISABLED for {}: anyone able to intercept the connection can read the"
                    + " snapshots and their secrets; use a known-hosts file instead", role);
            check = HostKeyCheck.acceptAll();
        }
        SshClient client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier(check);
        // ask for a reply to "exec", so a server that cannot run commands closes the channel instead of leaving it
        CoreModuleProperties.REQUEST_EXEC_REPLY.set(client, true);
        if (hop.key() instanceof SshKey.Agent) {
            client.setAgentFactory(UnixSocketAgent.factory(agentSocket(((SshKey.Agent) hop.key()).socket(), role)));
        }
        client.start();
        conn.clients.add(client);
        String host = hop.address();
        int port = hop.port();
        if (through != null) {
            try {
                SshdSocketAddress bound = through.startLocalPortForwarding(
                        new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(hop.address(), hop.port()));
                check.alias(bound.getPort(), new SshdSocketAddress(hop.address(), hop.port()));
                host = bound.getHostName();
                port = bound.getPort();
            } catch (IOException e) {
                throw new NodeAccessException(Problem.UNREACHABLE, node, "cannot open a tunnel to " + role
                        + " through the jump host: " + e.getMessage() + "; check that the jump host allows TCP"
                        + " forwarding (AllowTcpForwarding) and can reach the node", e);
            }
        }
        ClientSession session = null;
        try {
            ConnectFuture cf = client.connect(hop.user(), host, port);
            cf.verify(hop.connectTimeout());
            session = cf.getSession();
            conn.sessions.add(session);
            for (KeyPair kp : keys) {
                session.addPublicKeyIdentity(kp);
            }
            session.auth().verify(hop.connectTimeout());
            LOG.debug("authenticated to {}", role);
            return session;
        } catch (IOException | RuntimeException e) {
            throw classify(e, session, check, hop, role, node);
        }
    }

    private static Path agentSocket(Path socket, String role) {
        if (!Files.exists(socket)) {
            throw new InvalidInputException("the SSH agent socket " + socket + " for " + role + " does not exist;"
                    + " start ssh-agent again and export its SSH_AUTH_SOCK");
        }
        return socket;
    }

    private static RuntimeException classify(Throwable e, ClientSession session, HostKeyCheck check,
            NodeEndpoint hop, String role, String node) {
        if (e instanceof NodeAccessException || e instanceof InvalidInputException) {
            return (RuntimeException) e;
        }
        Optional<HostKeyCheck.Refusal> refusal = session == null ? Optional.empty() : check.refusal(session);
        Path known = hop.hostKeys() instanceof HostKeyPolicy.KnownHosts kh ? kh.file() : null;
        String hostPattern = hop.port() == 22 ? hop.address() : "[" + hop.address() + "]:" + hop.port();
        if (refusal.isPresent() && refusal.get().kind() == HostKeyCheck.Kind.CHANGED) {
            HostKeyCheck.Refusal r = refusal.get();
            return new NodeAccessException(Problem.HOST_KEY_CHANGED, node, "the SSH host key of " + role
                    + " has CHANGED: it presented " + r.presentedFingerprint() + " but " + known + " expects "
                    + r.detail() + ". Someone may be intercepting the connection. If the node was reinstalled,"
                    + " verify the new key out of band, then remove the old entry with ssh-keygen -R '" + hostPattern
                    + "' -f " + known + " and add the new one", e);
        }
        if (refusal.isPresent()) {
            HostKeyCheck.Refusal r = refusal.get();
            String fileNote = known != null && !Files.exists(known) ? " (the file does not exist)" : "";
            return new NodeAccessException(Problem.HOST_KEY_UNKNOWN, node, role + " is not in the known-hosts file "
                    + known + fileNote + "; it presented " + r.detail() + " key " + r.presentedFingerprint()
                    + ". Verify that fingerprint on the node (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add"
                    + " it, e.g. ssh-keyscan -p " + hop.port() + " " + hop.address() + " >> " + known, e);
        }
        if (isConnectFailure(e)) {
            return new NodeAccessException(Problem.UNREACHABLE, node, "cannot connect to " + role + ": "
                    + rootMessage(e) + "; check that the node is up, that sshd listens on port " + hop.port()
                    + " and that no firewall blocks it", e);
        }
        if (session == null) {
            return new NodeAccessException(Problem.UNREACHABLE, node, "cannot connect to " + role + " within "
                    + hop.connectTimeout().toSeconds() + " s: " + rootMessage(e) + "; check the network and that"
                    + " sshd runs on the node", e);
        }
        if (!session.isAuthenticated() && mentionsAuthentication(e)) {
            return new NodeAccessException(Problem.AUTH_REFUSED, node, role + " refused the SSH key for user '"
                    + hop.user() + "' (" + describeKey(hop) + "); add the public key to that user's"
                    + " ~/.ssh/authorized_keys on the node, or set the right user, ssh_key_path or ssh_agent_auth"
                    + " in cluster.yml", e);
        }
        return new NodeAccessException(Problem.UNREACHABLE, node, "the SSH handshake with " + role + " failed: "
                + rootMessage(e) + "; check that the port belongs to an SSH server and that it accepts this"
                + " client", e);
    }

    private static boolean mentionsAuthentication(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("authentication") || m.contains("no more auth")) {
                return true;
            }
        }
        return false;
    }

    private static String describeKey(NodeEndpoint hop) {
        if (hop.key() instanceof SshKey.File f) {
            return "key file " + f.path();
        }
        return hop.key() instanceof SshKey.Agent ? "keys of the SSH agent" : "inline ssh_key";
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** The clients and sessions of one node connection, innermost session last. */
    public static final class Connection implements AutoCloseable {
        private final String node;
        private final List<SshClient> clients = new ArrayList<>();
        private final List<ClientSession> sessions = new ArrayList<>();

        private Connection(String node) {
            this.node = node;
        }

        /**
         * The session to the node itself.
         *
         * @return the session
         */
        public ClientSession session() {
            return sessions.get(sessions.size() - 1);
        }

        /** Closes sessions (innermost first) and clients. Never throws. */
        @Override
        public void close() {
            for (int i = sessions.size() - 1; i >= 0; i--) {
                try {
                    sessions.get(i).close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("closing a session to {} failed: {}", node, e.toString());
                }
            }
            for (int i = clients.size() - 1; i >= 0; i--) {
                try {
                    clients.get(i).stop();
                } catch (RuntimeException e) {
                    LOG.debug("stopping the SSH client for {} failed: {}", node, e.toString());
                }
            }
        }
    }
}
