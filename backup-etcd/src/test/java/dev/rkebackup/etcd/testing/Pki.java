package dev.rkebackup.etcd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test PKI made with the real {@code openssl} CLI, shaped like RKE's: a CA {@code kube-ca}, the client
 * {@code kube-node}, and one {@code kube-etcd-<addr>} server/peer certificate per etcd address whose SANs hold every
 * etcd address, {@code 127.0.0.1} and {@code localhost}. Keys are PKCS#1 ({@code openssl genrsa -traditional}),
 * as RKE writes them. Thread-safety: build once, then read-only.
 */
public final class Pki {
    private final Path dir;
    private final String caName;

    private Pki(Path dir, String caName) {
        this.dir = dir;
        this.caName = caName;
    }

    /**
     * Creates a CA in {@code dir}.
     *
     * @param dir an empty directory
     * @param caName the CA's file stem (for a second, unrelated CA use another name)
     * @return the PKI
     */
    public static Pki create(Path dir, String caName) {
        Pki p = new Pki(dir, caName);
        p.openssl("genrsa", "-traditional", "-out", caName + "-key.pem", "2048");
        p.openssl("req", "-x509", "-new", "-key", caName + "-key.pem", "-days", "3650", "-subj", "/CN=" + caName,
                "-out", caName + ".pem");
        return p;
    }

    /**
     * Issues a certificate signed by this CA.
     *
     * @param name the file stem ({@code kube-node}, {@code kube-etcd-127-0-0-1})
     * @param subject such as {@code /CN=system:node/O=system:nodes}
     * @param sans subjectAltName value, or null
     * @param expired whether the certificate's validity ended in the past
     * @return the certificate's path ({@code <name>.pem}; the key is {@code <name>-key.pem})
     */
    public Path issue(String name, String subject, String sans, boolean expired) {
        openssl("genrsa", "-traditional", "-out", name + "-key.pem", "2048");
        openssl("req", "-new", "-key", name + "-key.pem", "-subj", subject, "-out", name + ".csr");
        write(name + ".ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n" + (sans == null ? "" : "subjectAltName=" + sans + "\n"));
        if (!expired) {
            openssl("x509", "-req", "-in", name + ".csr", "-CA", caName + ".pem", "-CAkey", caName + "-key.pem",
                    "-CAcreateserial", "-days", "365", "-extfile", name + ".ext", "-out", name + ".pem");
        } else {
            // openssl ca is the one CLI path that sets arbitrary validity dates
            Path db = dir.resolve(name + "-ca");
            try {
                Files.createDirectories(db);
                Files.writeString(db.resolve("index.txt"), "");
                Files.writeString(db.resolve("serial"), "1000\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            write(name + "-ca.cnf", "[ca]\ndefault_ca=d\n[d]\ndatabase=" + db.resolve("index.txt") + "\nserial="
                    + db.resolve("serial") + "\nnew_certs_dir=" + db + "\ndefault_md=sha256\npolicy=p\n"
                    + "unique_subject=no\n[p]\ncommonName=supplied\norganizationName=optional\n");
            openssl("ca", "-batch", "-config", name + "-ca.cnf", "-cert", caName + ".pem", "-keyfile",
                    caName + "-key.pem", "-in", name + ".csr", "-startdate", "20200101000000Z", "-enddate",
                    "20200201000000Z", "-extfile", name + ".ext", "-notext", "-out", name + ".pem");
        }
        return dir.resolve(name + ".pem");
    }

    /**
     * Converts a key to PKCS#8 ({@code BEGIN PRIVATE KEY}).
     *
     * @param name the file stem
     * @return the PKCS#8 key's path
     */
    public Path pkcs8(String name) {
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + "-key.pem", "-out", name + "-key.pk8.pem");
        return dir.resolve(name + "-key.pk8.pem");
    }

    /**
     * The CA certificate.
     *
     * @return its path
     */
    public Path caCert() {
        return dir.resolve(caName + ".pem");
    }

    /**
     * The CA name (file stem).
     *
     * @return the name
     */
    public String caName() {
        return caName;
    }

    /**
     * A file of this PKI.
     *
     * @param file the file name
     * @return its path
     */
    public Path file(String file) {
        return dir.resolve(file);
    }

    /**
     * Reads a PEM file of this PKI.
     *
     * @param file the file name
     * @return its text
     */
    public String read(String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String file, String text) {
        try {
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestBinaries.require("openssl", "openssl").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
