package dev.rkebackup.rke.node.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Host key verification for one {@link dev.rkebackup.rke.node.SshNodeAccess}: delegates to MINA's known-hosts
 * verifier (never writing the file) and remembers why a key was refused, so the caller can report "changed" versus
 * "unknown" clearly. Connections through a bastion arrive at a local forwarding port; {@link #alias} maps that port
 * back to the real node address so the known-hosts lookup uses the node's name. Thread-safe.
 */
public final class HostKeyCheck implements ServerKeyVerifier {
    private final ServerKeyVerifier delegate;
    private final Map<ClientSession, Refusal> refusals = new ConcurrentHashMap<>();
    private final Map<Integer, SshdSocketAddress> aliases = new ConcurrentHashMap<>();

    private HostKeyCheck(Path knownHosts) {
        if (knownHosts == null) {
            this.delegate = (session, address, key) -> true;
            return;
        }
        KnownHostsServerKeyVerifier kh = new KnownHostsServerKeyVerifier((session, address, key) -> {
            refusals.put(session, new Refusal(Kind.UNKNOWN, KeyUtils.getFingerPrint(key), key.getAlgorithm()));
            return false;
        }, knownHosts);
        kh.setModifiedServerKeyAcceptor((session, address, entry, expected, actual) -> {
            refusals.put(session, new Refusal(Kind.CHANGED, KeyUtils.getFingerPrint(actual),
                    KeyUtils.getFingerPrint(expected)));
            return false;
        });
        this.delegate = kh;
    }

    /**
     * Checks against a known-hosts file.
     *
     * @param knownHosts the file (need not exist: then every host is unknown)
     * @return the verifier
     */
    public static HostKeyCheck knownHosts(Path knownHosts) {
        return new HostKeyCheck(knownHosts);
    }

    /**
     * Accepts every key (the caller logs the warning).
     *
     * @return the verifier
     */
    public static HostKeyCheck acceptAll() {
        return new HostKeyCheck(null);
    }

    /**
     * Declares that connections to a local forwarding port really go to {@code target}.
     *
     * @param localPort the forwarding port on 127.0.0.1
     * @param target the node behind it
     */
    public void alias(int localPort, SshdSocketAddress target) {
        aliases.put(localPort, target);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        SocketAddress effective = remote;
        if (remote instanceof InetSocketAddress isa && isa.getAddress() != null
                && isa.getAddress().isLoopbackAddress() && aliases.containsKey(isa.getPort())) {
            SshdSocketAddress t = aliases.get(isa.getPort());
            effective = new SshdSocketAddress(t.getHostName(), t.getPort());
        }
        return delegate.verifyServerKey(session, effective, key);
    }

    /**
     * Why the key of a session was refused, if it was.
     *
     * @param session the session
     * @return the refusal, or empty when the key was accepted or refused for another reason (e.g. revoked)
     */
    public Optional<Refusal> refusal(ClientSession session) {
        return Optional.ofNullable(refusals.get(session));
    }

    /** Why a host key was refused. */
    public enum Kind {
        /** The host is not in the file. */
        UNKNOWN,
        /** The host is in the file with another key. */
        CHANGED
    }

    /**
     * A refused key.
     *
     * @param kind unknown or changed
     * @param presentedFingerprint SHA256 fingerprint of the key the server presented
     * @param detail for CHANGED the fingerprint of the expected key, for UNKNOWN the key algorithm
     */
    public record Refusal(Kind kind, String presentedFingerprint, String detail) {
    }
}
