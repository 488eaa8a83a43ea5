package dev.rkebackup.s3.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A CA and a server certificate for 127.0.0.1/localhost, valid for two days, made with the {@code openssl} command
 * (Debian package openssl, a dependency of ca-certificates). Test classes share one CA per JVM.
 */
public final class TestCa {
    static final String PASSWORD = "test-keystore-pass";
    private static TestCa shared;
    private static TestCa sharedOther;
    private final Path dir;
    private final String caPem;

    private TestCa(Path dir) throws IOException {
        this.dir = dir;
        this.caPem = Files.readString(dir.resolve("ca.pem"), StandardCharsets.US_ASCII);
    }

    /**
     * The CA (with a server certificate) shared by all test classes of this JVM.
     *
     * @return the CA
     */
    public static synchronized TestCa shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = create(Files.createTempDirectory("rkb-test-ca"), "A", true);
        }
        return shared;
    }

    /**
     * A second, unrelated CA without a server certificate.
     *
     * @return the CA
     */
    public static synchronized TestCa sharedOther() throws IOException, InterruptedException {
        if (sharedOther == null) {
            sharedOther = create(Files.createTempDirectory("rkb-test-ca-other"), "B", false);
        }
        return sharedOther;
    }

    private static TestCa create(Path dir, String name, boolean withServer) throws IOException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir))); // keys must not outlive the run
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=rke-backup test CA " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        if (withServer) {
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    + "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
            openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
            openssl(dir, "pkcs12", "-export", "-inkey", "server.key", "-in", "server.pem", "-certfile", "ca.pem",
                    "-name", "server", "-out", "server.p12", "-passout", "pass:" + PASSWORD);
        }
        return new TestCa(dir);
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("the openssl command is required for the TLS tests; install the Debian"
                    + " package openssl", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + args[0] + " failed: " + out);
        }
    }

    /** @return the CA certificate as PEM text */
    public String caPem() {
        return caPem;
    }

    /** @return the CA certificate as a PEM file */
    public Path caPemFile() {
        return dir.resolve("ca.pem");
    }

    /** @return an SSL context serving the server certificate with its chain */
    public SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
