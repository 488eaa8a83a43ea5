package dev.rkebackup.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.etcd.internal.Pem;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * The TLS material a client needs to reach RKE's etcd: the CA that signed the members' certificates and a client
 * certificate with its key. RKE itself uses the CA {@code kube-ca} and the client {@code kube-node} from the
 * {@code .rkestate} ({@link #fromStateFile}). The key is held in memory only (converted from PKCS#1 to PKCS#8 when
 * needed, never written); {@link #toString()} names the certificates, never the key.
 *
 * <p>Immutable and thread-safe.
 */
public final class EtcdCredentials {
    /** The certificate bundle entry of the CA RKE uses for etcd. */
    public static final String CA_ENTRY = "kube-ca";
    /** The certificate bundle entry RKE uses as etcd client (rke-tools, kube-apiserver). */
    public static final String CLIENT_ENTRY = "kube-node";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_STATE_BYTES = 64L * 1024 * 1024;

    private final List<X509Certificate> ca;
    private final List<X509Certificate> clientChain;
    private final PrivateKey key;
    private final String origin;

    private EtcdCredentials(List<X509Certificate> ca, List<X509Certificate> clientChain, PrivateKey key,
            String origin) {
        this.ca = List.copyOf(ca);
        this.clientChain = List.copyOf(clientChain);
        this.key = key;
        this.origin = origin;
    }

    /**
     * Reads {@code kube-ca} and {@code kube-node} from an RKE state file ({@code currentState.certificatesBundle},
     * else {@code desiredState.certificatesBundle}).
     *
     * @param stateFile the {@code <config>.rkestate}
     * @return the credentials
     * @throws InvalidInputException if the file is missing, unreadable, or lacks either certificate
     */
    public static EtcdCredentials fromStateFile(Path stateFile) {
        Objects.requireNonNull(stateFile, "stateFile");
        JsonNode root;
        try {
            if (Files.size(stateFile) > MAX_STATE_BYTES) {
                throw new InvalidInputException("state file " + stateFile + " is larger than 64 MiB; is it an"
                        + " RKE .rkestate?");
            }
            root = JSON.readTree(Files.readAllBytes(stateFile));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("state file " + stateFile + " does not exist; --from-etcd needs the"
                    + " .rkestate next to the cluster config (RKE v0.2.0+), which holds the etcd certificates");
        } catch (IOException e) {
            throw new InvalidInputException("state file " + stateFile + " is not readable JSON ("
                    + e.getClass().getSimpleName() + "); give the .rkestate that RKE wrote next to the cluster"
                    + " config");
        }
        JsonNode bundle = root.path("currentState").path("certificatesBundle");
        if (!bundle.has(CA_ENTRY) || !bundle.has(CLIENT_ENTRY)) {
            bundle = root.path("desiredState").path("certificatesBundle");
        }
        String where = " in " + stateFile;
        JsonNode ca = bundle.path(CA_ENTRY);
        JsonNode node = bundle.path(CLIENT_ENTRY);
        if (ca.isMissingNode() || node.isMissingNode()) {
            throw new InvalidInputException("state file " + stateFile + " has no certificatesBundle entries '"
                    + CA_ENTRY + "' and '" + CLIENT_ENTRY + "'; it is not an RKE v0.2.0+ .rkestate of a provisioned"
                    + " cluster");
        }
        return new EtcdCredentials(
                Pem.certificates(ca.path("certificatePEM").asText(""), "certificate " + CA_ENTRY + where),
                Pem.certificates(node.path("certificatePEM").asText(""), "certificate " + CLIENT_ENTRY + where),
                Pem.privateKey(node.path("keyPEM").asText(""), "key of " + CLIENT_ENTRY + where),
                stateFile.toString());
    }

    /**
     * Credentials from PEM texts (for etcd outside RKE's layout). The key may be PKCS#1 or PKCS#8.
     *
     * @param caPem the CA certificate(s)
     * @param clientCertPem the client certificate (chain)
     * @param clientKeyPem the client key, unencrypted RSA
     * @return the credentials
     * @throws InvalidInputException if a text cannot be parsed
     */
    public static EtcdCredentials ofPem(String caPem, String clientCertPem, dev.rkebackup.core.Secret clientKeyPem) {
        return new EtcdCredentials(Pem.certificates(caPem, "CA certificate"),
                Pem.certificates(clientCertPem, "client certificate"),
                Pem.privateKey(clientKeyPem.reveal(), "client key"), "PEM");
    }

    /**
     * When the client certificate stops being valid.
     *
     * @return its notAfter
     */
    public Instant clientCertificateExpiry() {
        return clientChain.get(0).getNotAfter().toInstant();
    }

    /**
     * Fails early, before any connection, when the client or CA certificate is expired or not yet valid.
     *
     * @param now the current time
     * @throws InvalidInputException naming the certificate and what to do
     */
    public void requireValidAt(Instant now) {
        check(clientChain.get(0), CLIENT_ENTRY, now);
        for (X509Certificate c : ca) {
            check(c, CA_ENTRY, now);
        }
    }

    private void check(X509Certificate c, String name, Instant now) {
        if (now.isAfter(c.getNotAfter().toInstant())) {
            throw new InvalidInputException("certificate " + name + " from " + origin + " expired on "
                    + c.getNotAfter().toInstant() + "; etcd will refuse it. Rotate the certificates (rke cert rotate)"
                    + " and use the new .rkestate");
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            throw new InvalidInputException("certificate " + name + " from " + origin + " is valid only from "
                    + c.getNotBefore().toInstant() + "; check this machine's clock");
        }
    }

    /**
     * Builds the Netty TLS context for jetcd (client certificate authentication, the CA as the only trust anchor).
     *
     * @return the context
     * @throws InvalidInputException if the key does not match the certificate
     */
    SslContext sslContext() {
        try {
            return GrpcSslContexts.configure(SslContextBuilder.forClient()
                    .trustManager(ca.toArray(new X509Certificate[0]))
                    .keyManager(key, clientChain.toArray(new X509Certificate[0])))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidInputException("the client key from " + origin + " does not fit its certificate ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Names the origin and the certificates' subjects; never key material. */
    @Override
    public String toString() {
        return "EtcdCredentials[" + origin + ", client " + clientChain.get(0).getSubjectX500Principal().getName()
                + ", key ********]";
    }
}
