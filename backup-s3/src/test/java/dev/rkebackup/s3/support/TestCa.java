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
 * A CA and a server certificate for 127.0.0.1/localhost, made with the JDK's keytool (no extra tools), valid for
 * two days. Generating takes a few seconds, so test classes share one per class.
 */
public final class TestCa {
    static final String PASSWORD = "test-keystore-pass";
    private final Path dir;
    private final String caPem;

    private TestCa(Path dir, String caPem) {
        this.dir = dir;
        this.caPem = caPem;
    }

    /**
     * Creates a CA and a server certificate signed by it.
     *
     * @param dir an empty directory for the key stores
     * @param name distinguishes CAs in messages
     * @return the CA
     */
    public static TestCa create(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String ca = dir.resolve("ca.p12").toString();
        String server = dir.resolve("server.p12").toString();
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=rke-backup test CA " + name, "-ext", "bc:c", "-validity", "2", "-keystore", ca);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", dir.resolve("ca.pem").toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-validity", "2", "-keystore", server);
        keytool("-certreq", "-alias", "server", "-keystore", server, "-file", dir.resolve("server.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-infile", dir.resolve("server.csr").toString(),
                "-outfile", dir.resolve("server.pem").toString(), "-validity", "2",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", server, "-file",
                dir.resolve("ca.pem").toString());
        keytool("-importcert", "-alias", "server", "-keystore", server, "-file", dir.resolve("server.pem").toString());
        return new TestCa(dir, Files.readString(dir.resolve("ca.pem"), StandardCharsets.US_ASCII));
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
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
