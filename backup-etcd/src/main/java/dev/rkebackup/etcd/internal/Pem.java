package dev.rkebackup.etcd.internal;

import dev.rkebackup.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys in memory. RKE writes keys as PKCS#1 ({@code BEGIN RSA PRIVATE KEY});
 * Netty (and so jetcd) accepts only PKCS#8, so a PKCS#1 key is wrapped in the standard PKCS#8 {@code
 * PrivateKeyInfo} structure (RFC 5208: version 0, algorithm rsaEncryption with NULL parameters, the PKCS#1 bytes as
 * an OCTET STRING) and handed to the JDK's {@link KeyFactory}. Nothing is written to disk; no secret bytes appear in
 * a message.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
    /** DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {
    }

    /**
     * Parses every certificate of a PEM text.
     *
     * @param pem the text
     * @param what what it is, for messages (e.g. {@code "certificate kube-ca in cluster.rkestate"})
     * @return the certificates, at least one
     * @throws InvalidInputException if there is none or one cannot be parsed
     */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2),
                            what))));
                }
            }
        } catch (CertificateException e) {
            throw new InvalidInputException(what + " is not a readable X.509 certificate (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new InvalidInputException(what + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * Parses a private key: PKCS#8 ({@code BEGIN PRIVATE KEY}) or RSA PKCS#1 ({@code BEGIN RSA PRIVATE KEY}).
     *
     * @param pem the text
     * @param what what it is, for messages
     * @return the key
     * @throws InvalidInputException if the text holds no supported key
     */
    public static PrivateKey privateKey(String pem, String what) {
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(decode(m.group(2), what), what);
            }
            if (type.equals("RSA PRIVATE KEY")) {
                return pkcs8(wrapPkcs1(decode(m.group(2), what)), what);
            }
            if (type.equals("ENCRYPTED PRIVATE KEY") || type.endsWith("PRIVATE KEY")) {
                throw new InvalidInputException(what + " is a '" + type + "' key; only unencrypted RSA keys"
                        + " (PKCS#1, as RKE writes them, or PKCS#8) are supported");
            }
        }
        throw new InvalidInputException(what + " holds no PEM private key (-----BEGIN RSA PRIVATE KEY----- or"
                + " -----BEGIN PRIVATE KEY-----)");
    }

    /**
     * Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (RFC 5208).
     *
     * @param pkcs1 the DER of the RSAPrivateKey
     * @return the DER of the PrivateKeyInfo
     */
    public static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(pkcs1.length + 32);
        body.write(0x02); // INTEGER 0 (version)
        body.write(0x01);
        body.write(0x00);
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04); // OCTET STRING
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 8);
        out.write(0x30); // SEQUENCE
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static PrivateKey pkcs8(byte[] der, String what) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException(what + " is not a readable RSA private key");
        }
    }

    private static byte[] decode(String base64, String what) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(what + " has broken PEM base64");
        }
    }
}
