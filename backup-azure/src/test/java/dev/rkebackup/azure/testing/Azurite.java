package dev.rkebackup.azure.testing;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.rkebackup.azure.AzureBlobObjectStore;
import dev.rkebackup.core.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test fixture: Azurite's blob service (npm package {@code azurite}) on a free 127.0.0.1 port with a temporary
 * location. A missing {@code azurite-blob} fails the test with the command that installs it.
 */
public final class Azurite implements AutoCloseable {
    /** Azurite's documented development account. */
    public static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's documented development key (public, not a secret). */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static {
        // as AzureBlobObjectStore does; the fixture's own SDK client may load the JDK HTTP client first
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
    }

    private final Process process;
    private final Path location;
    private final int port;

    private Azurite(Process process, Path location, int port) {
        this.process = process;
        this.location = location;
        this.port = port;
    }

    /**
     * Starts Azurite.
     *
     * @return the running server
     * @throws Exception if it does not come up within 30 s
     */
    public static Azurite start() throws Exception {
        String exe = find();
        Path location = Files.createTempDirectory("rkb-azurite-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = location.resolve("azurite.out");
        Process p = new ProcessBuilder(exe, "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--location", location.resolve("data").toString(), "--skipApiVersionCheck", "--silent", "--loose", "--disableTelemetry")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Azurite a = new Azurite(p, location, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!a.listening()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String out = Files.exists(log) ? Files.readString(log) : "";
                a.close();
                throw new IllegalStateException("azurite-blob did not start: " + out);
            }
            Thread.sleep(50);
        }
        return a;
    }

    private static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "azurite-blob");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("azurite-blob is not installed: run npm install -g azurite"
                + " (scripts/test.sh does it)");
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The blob endpoint, {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    /** An SDK client with the development key, for arranging and checking what the store did. */
    public BlobServiceClient service() {
        return new BlobServiceClientBuilder().endpoint(endpoint().toString())
                .httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder().build())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY)).buildClient();
    }

    /**
     * Creates a new, empty container.
     *
     * @return its client
     */
    public BlobContainerClient newContainer() {
        BlobContainerClient c = service().getBlobContainerClient("c-" + UUID.randomUUID().toString().substring(0, 18));
        c.create();
        return c;
    }

    /**
     * A store builder on a container with the development key.
     *
     * @param container the container name
     * @return the builder
     */
    public AzureBlobObjectStore.Builder storeBuilder(String container) {
        return AzureBlobObjectStore.builder(ACCOUNT, container).endpoint(endpoint()).accountKey(Secret.of(KEY));
    }

    /**
     * An {@code azure://} location for a container and prefix.
     *
     * @param container the container
     * @param prefix a prefix, may be empty
     * @return the URI text
     */
    public String uri(String container, String prefix) {
        return "azure://" + ACCOUNT + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix) + "?endpoint="
                + endpoint();
    }

    /** The environment a child process needs to use the development key. */
    public static Map<String, String> env() {
        return Map.of("AZURE_STORAGE_ACCOUNT", ACCOUNT, "AZURE_STORAGE_KEY", KEY);
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        all.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> s = Files.walk(location)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
