package dev.rkebackup.rke.node.internal;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.node.SshCertificate;
import dev.rkebackup.rke.node.SshKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link SshKey} and {@link SshCertificate} settings into key pairs for MINA. Problems with the settings
 * (missing file, passphrase-protected key, certificate for another key) are {@link InvalidInputException}s whose
 * messages name the file or "inline key of &lt;node&gt;" but never show key material.
 */
public final class KeyLoader {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLoader.class);

    private KeyLoader() {
    }

    /**
     * Loads the key pairs for a file or inline key; empty for the agent.
     *
     * @param key the key source
     * @param certificate the certificate to present with the key, or none
     * @param node node description for messages
     * @return the identities to offer
     * @throws InvalidInputException if the key or certificate cannot be used
     */
    public static List<KeyPair> load(SshKey key, SshCertificate certificate, String node) {
        if (key instanceof SshKey.Agent) {
            if (!(certificate instanceof SshCertificate.None)) {
                LOG.warn("the SSH certificate configured for {} is not used with agent authentication; add it to"
                        + " the agent instead (ssh-add loads <key>-cert.pub next to the key)", node);
            }
            return List.of();
        }
        String what;
        List<KeyPair> pairs;
        if (key instanceof SshKey.Inline inline) {
            what = "the inline ssh_key for " + node;
            pairs = parse(what, new ByteArrayInputStream(inline.privateKey().reveal()
                    .getBytes(StandardCharsets.UTF_8)));
        } else {
            Path path = ((SshKey.File) key).path();
            what = "SSH key file " + path + " (for " + node + ")";
            try (InputStream in = Files.newInputStream(path)) {
                pairs = parse(what, in);
            } catch (NoSuchFileException e) {
                throw new InvalidInputException(what + " does not exist; set ssh_key_path (or ssh_key) for the node"
                        + " or the cluster, or use ssh_agent_auth");
            } catch (IOException e) {
                throw new InvalidInputException("cannot read " + what + ": " + e.getClass().getSimpleName()
                        + "; check the path and its permissions", e);
            }
        }
        return withCertificate(pairs, certificate, what, node);
    }

    private static List<KeyPair> parse(String what, InputStream in) {
        FilePasswordProvider noPassphrase = (session, resource, retry) -> {
            throw new PassphraseRequired();
        };
        try {
            List<KeyPair> pairs = new ArrayList<>();
            Iterable<KeyPair> it = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(what), in,
                    noPassphrase);
            if (it != null) {
                it.forEach(pairs::add);
            }
            if (pairs.isEmpty()) {
                throw new InvalidInputException(what + " holds no private key that can be read; RSA and ed25519"
                        + " keys in OpenSSH or PEM format are supported");
            }
            return pairs;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            if (causedBy(e, PassphraseRequired.class)) {
                throw new InvalidInputException(what + " is protected by a passphrase; as with RKE, such keys work"
                        + " only through the SSH agent: add it with ssh-add and enable ssh_agent_auth");
            }
            // the cause may quote key bytes, so only its type goes into the message
            throw new InvalidInputException(what + " cannot be parsed as an RSA or ed25519 private key ("
                    + e.getClass().getSimpleName() + "); check that it is the private key, not the .pub file");
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static List<KeyPair> withCertificate(List<KeyPair> pairs, SshCertificate certificate, String what,
            String node) {
        if (certificate instanceof SshCertificate.None) {
            return pairs;
        }
        String text;
        String certWhat;
        if (certificate instanceof SshCertificate.Inline inline) {
            text = inline.text();
            certWhat = "the inline ssh_cert for " + node;
        } else {
            Path path = ((SshCertificate.File) certificate).path();
            certWhat = "SSH certificate file " + path + " (for " + node + ")";
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new InvalidInputException("cannot read " + certWhat + ": " + e
                        + "; set ssh_cert_path to the *-cert.pub file");
            }
        }
        PublicKey cert;
        try {
            cert = PublicKeyEntry.parsePublicKeyEntry(text.strip())
                    .resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new InvalidInputException(certWhat + " is not an OpenSSH certificate line (" + e.getMessage()
                    + ")");
        }
        if (!(cert instanceof OpenSshCertificate osc)) {
            throw new InvalidInputException(certWhat + " is a plain public key, not a certificate; give the"
                    + " *-cert.pub file signed by your CA");
        }
        List<KeyPair> out = new ArrayList<>();
        for (KeyPair kp : pairs) {
            if (KeyUtils.compareKeys(osc.getCertPubKey(), kp.getPublic())) {
                out.add(new KeyPair(osc, kp.getPrivate()));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException(certWhat + " certifies another key than " + what
                    + "; give the certificate issued for this key");
        }
        return out;
    }

    /** Marker: the key needs a passphrase, which is never asked for. */
    private static final class PassphraseRequired extends IOException {
        private static final long serialVersionUID = 1L;

        PassphraseRequired() {
            super("passphrase required");
        }
    }
}
