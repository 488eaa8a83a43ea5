package dev.rkebackup.s3.internal;

import dev.rkebackup.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds trust managers that trust the JDK's default CAs plus extra CAs given as PEM, the way RKE's
 * {@code custom_ca} works for its S3 client.
 */
public final class PemTrust {
    private PemTrust() {
    }

    /**
     * Parses PEM text holding one or more certificates.
     *
     * @param pem the PEM text
     * @param source where it came from, for messages (never the PEM itself)
     * @return the certificates, at least one
     * @throws InvalidInputException if the text holds no valid certificate
     */
    public static List<X509Certificate> parse(String pem, String source) {
        if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidInputException("invalid S3 endpoint CA certificate from " + source
                    + ": no '-----BEGIN CERTIFICATE-----' block found; give the CA certificate in PEM format");
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> certs = cf.generateCertificates(
                    new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> result = new ArrayList<>();
            for (Certificate c : certs) {
                result.add((X509Certificate) c);
            }
            if (result.isEmpty()) {
                throw new InvalidInputException("invalid S3 endpoint CA certificate from " + source
                        + ": no certificate could be read; give the CA certificate in PEM format");
            }
            return List.copyOf(result);
        } catch (CertificateException e) {
            throw new InvalidInputException("invalid S3 endpoint CA certificate from " + source + ": "
                    + e.getMessage() + "; give the CA certificate in PEM format", e);
        }
    }

    /**
     * Reads and parses a PEM file.
     *
     * @param file the file
     * @return the certificates
     * @throws InvalidInputException if the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII), "file " + file);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read S3 endpoint CA file " + file + ": " + e
                    + "; check the path and its permissions", e);
        }
    }

    /**
     * Creates trust managers that accept servers signed by the JDK default CAs or by any of {@code extra}.
     *
     * @param extra additional trusted CA certificates
     * @return the trust managers
     */
    public static TrustManager[] withDefaults(List<X509Certificate> extra) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + i++, ca);
                    }
                }
            }
            for (X509Certificate ca : extra) {
                store.setCertificateEntry("custom-" + i++, ca);
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store with the custom CA: " + e, e);
        }
    }
}
