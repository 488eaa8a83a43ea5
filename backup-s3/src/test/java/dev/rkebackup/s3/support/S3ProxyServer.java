package dev.rkebackup.s3.support;

import dev.rkebackup.core.Secret;
import dev.rkebackup.s3.S3ObjectStoreBuilder;
import dev.rkebackup.s3.S3ObjectStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3-compatible server (s3proxy 4.1.0, filesystem backend) on 127.0.0.1 with a free port, over http or
 * https. Objects live as plain files under {@link #basedir()}, so tests can damage or delete them behind the
 * store's back. {@link #stop()} and {@link #start()} keep the port and the data.
 */
public final class S3ProxyServer implements AutoCloseable {
    /** The bucket every server starts with. */
    public static final String BUCKET = "backups";

    private final Path basedir;
    private final TestCa ca;
    private final String accessKey = "AKTEST" + UUID.randomUUID().toString().replace("-", "").substring(0, 14)
            .toUpperCase(java.util.Locale.ROOT);
    private final String secretKey = "sk-" + UUID.randomUUID() + UUID.randomUUID();
    private final BlobStore blobStore;
    private int port;
    private S3Proxy proxy;

    private S3ProxyServer(Path basedir, TestCa ca) throws Exception {
        this.basedir = basedir;
        this.ca = ca;
        Files.createDirectories(basedir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", basedir.toString());
        this.blobStore = BlobStores.create("filesystem-nio2", props);
        blobStore.createContainer(BUCKET);
        start();
    }

    /**
     * Starts a plain-http server.
     *
     * @param basedir where objects are stored
     * @return the running server
     */
    public static S3ProxyServer http(Path basedir) throws Exception {
        return new S3ProxyServer(basedir, null);
    }

    /**
     * Starts an https server whose certificate is signed by {@code ca}.
     *
     * @param basedir where objects are stored
     * @param ca the CA that signed the server certificate
     * @return the running server
     */
    public static S3ProxyServer https(Path basedir, TestCa ca) throws Exception {
        return new S3ProxyServer(basedir, ca);
    }

    /** (Re)starts the server, on the same port after the first start. */
    public synchronized void start() throws Exception {
        URI uri = URI.create((ca == null ? "http" : "https") + "://127.0.0.1:" + port);
        S3Proxy.Builder b = S3Proxy.builder().blobStore(blobStore)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true);
        if (ca == null) {
            b.endpoint(uri);
        } else {
            b.secureEndpoint(uri).sslContext(ca.serverContext());
        }
        proxy = b.build();
        proxy.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start within 20 s: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        port = ca == null ? proxy.getPort() : proxy.getSecurePort();
    }

    /** Stops the server; the data stays. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** @return {@code http://127.0.0.1:PORT} or {@code https://...} */
    public URI endpoint() {
        return URI.create((ca == null ? "http" : "https") + "://127.0.0.1:" + port);
    }

    /** @return host:port, as RKE's s3backupconfig endpoint has it */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public Path basedir() {
        return basedir;
    }

    /** @return the file that holds an object (filesystem backend) */
    public Path objectFile(String s3Key) {
        return basedir.resolve(BUCKET).resolve(s3Key);
    }

    /** Creates another bucket. */
    public void createBucket(String name) {
        blobStore.createContainer(name);
    }

    /**
     * A builder for a store on this server's bucket with the right credentials (and CA for https).
     *
     * @return the builder
     */
    public S3ObjectStoreBuilder storeBuilder() {
        S3ObjectStoreBuilder b = S3ObjectStore.builder().bucket(BUCKET).endpoint(endpoint())
                .credentials(Secret.of(accessKey), Secret.of(secretKey));
        if (ca != null) {
            b.customCaPem(ca.caPem());
        }
        return b;
    }
}
