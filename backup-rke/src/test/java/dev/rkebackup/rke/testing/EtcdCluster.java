package dev.rkebackup.rke.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster (Debian's {@code etcd} 3.4 binary, 1 or 3 members) on 127.0.0.1 for tests, with free ports
 * and throwaway data directories.
 *
 * <p>Use it either as a JUnit 5 extension or directly:
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();   // started before all, killed after all
 *
 * try (EtcdCluster etcd = EtcdCluster.start(1)) {                            // or by hand
 *     etcd.loadKeys("/registry/demo/", 1_000, 2_048);
 *     Path snap = etcd.snapshot(tempDir.resolve("snap.db"));
 * }
 * }</pre>
 * Registered on a static field it lives for the test class; on an instance field, for each test. A missing
 * {@code etcd} or {@code etcdctl} binary makes the test fail with a message naming the Debian packages; it never
 * skips. {@link #close()} kills every member (SIGKILL, which is immediate and safe for throwaway data) and deletes
 * the data directories.
 *
 * <p>Thread-safety: all methods are synchronized on the instance; {@link #loadKeys} and {@link #snapshot} may be
 * called from several threads but run one at a time.
 */
public final class EtcdCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    /** Largest txn payload per etcdctl call; the etcdctl gRPC client refuses to send more than 2 MiB. */
    private static final int MAX_TXN_BYTES = 1_500_000;
    private static final Pattern COUNT = Pattern.compile("\"count\":(\\d+)");
    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final int memberCount;
    private final Duration startTimeout;
    private final List<EtcdMember> members = new ArrayList<>();
    private Path root;
    private Etcdctl etcdctl;
    private boolean startedByEachCallback;

    private EtcdCluster(Builder builder) {
        this.memberCount = builder.members;
        this.startTimeout = builder.startTimeout;
    }

    /**
     * Returns a builder; the cluster starts on {@link #start()} or when JUnit calls the extension callbacks.
     *
     * @return a new builder (1 member, 30 s start timeout)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a cluster with the given number of members and waits until it is healthy.
     *
     * @param members 1 or 3 (any count from 1 to 5 works)
     * @return the running cluster; the caller closes it
     * @throws IllegalStateException if etcd is not installed or does not become healthy
     */
    public static EtcdCluster start(int members) {
        EtcdCluster cluster = builder().members(members).build();
        cluster.start();
        return cluster;
    }

    /**
     * Starts the members (no-op when already running) and waits for {@code etcdctl endpoint health}.
     *
     * @throws IllegalStateException if etcd/etcdctl are missing or the cluster does not become healthy
     */
    public synchronized void start() {
        if (!members.isEmpty()) {
            return;
        }
        Path etcdBinary = Binaries.require("etcd", "etcd-server");
        etcdctl = new Etcdctl(Binaries.require("etcdctl", "etcd-client"));
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                startOnce(etcdBinary);
                return;
            } catch (IllegalStateException e) {
                // Most likely another test grabbed one of our just-released free ports: try fresh ports.
                last = e;
                killAll();
            }
        }
        throw last;
    }

    private void startOnce(Path etcdBinary) {
        try {
            root = Files.createTempDirectory("etcd-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for etcd data", e);
        }
        int[] ports = freePorts(memberCount * 2);
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < memberCount; i++) {
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:")
                    .append(ports[2 * i + 1]);
        }
        String token = "t-" + root.getFileName();
        for (int i = 0; i < memberCount; i++) {
            members.add(EtcdMember.launch(etcdBinary, root, "m" + i, ports[2 * i], ports[2 * i + 1],
                    initial.toString(), token));
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        String lastError = "";
        while (System.nanoTime() < deadline) {
            for (EtcdMember m : members) {
                if (!m.isAlive()) {
                    throw new IllegalStateException("etcd member " + m.name() + " exited during start-up; its log "
                            + m.logFile() + " ends with:\n" + m.logTail());
                }
            }
            Etcdctl.Result r = etcdctl.run(List.of("--endpoints=" + String.join(",", clientEndpoints()),
                    "--dial-timeout=1s", "--command-timeout=2s", "endpoint", "health"), null, Duration.ofSeconds(10));
            if (r.exitCode() == 0) {
                return;
            }
            lastError = r.stderr();
            sleep(100);
        }
        throw new IllegalStateException("etcd cluster of " + memberCount + " did not become healthy within "
                + startTimeout + "; last etcdctl error: " + lastError + "\nlog of " + members.get(0).name() + ":\n"
                + members.get(0).logTail());
    }

    /**
     * Returns the client URLs of all running members, e.g. {@code http://127.0.0.1:40123}.
     *
     * @return one URL per member, in member order
     */
    public synchronized List<String> clientEndpoints() {
        requireStarted();
        return members.stream().map(EtcdMember::clientUrl).toList();
    }

    /**
     * Returns the client URL of one member.
     *
     * @param member index from 0
     * @return the member's client URL
     */
    public synchronized String clientEndpoint(int member) {
        requireStarted();
        return members.get(member).clientUrl();
    }

    /**
     * Returns the number of members.
     *
     * @return the member count
     */
    public int size() {
        return memberCount;
    }

    /**
     * Returns the absolute path of the {@code etcdctl} binary in use.
     *
     * @return the etcdctl path
     */
    public synchronized Path etcdctlBinary() {
        requireStarted();
        return etcdctl.binary();
    }

    /**
     * Puts one key.
     *
     * @param key the key
     * @param value the value (any text)
     */
    public synchronized void put(String key, String value) {
        requireStarted();
        etcdctl.check(List.of("--endpoints=" + String.join(",", clientEndpoints()), "put", key, value), null,
                Duration.ofSeconds(30));
    }

    /**
     * Loads {@code count} keys {@code <prefix><8-digit index>} with {@code valueSize} pseudo-random alphanumeric
     * characters each, in large {@code etcdctl txn} batches (about 10 MB/s on a 2-core machine).
     *
     * @param prefix key prefix, e.g. {@code /registry/test/}
     * @param count number of keys
     * @param valueSize bytes per value (1 .. 1,000,000)
     */
    public synchronized void loadKeys(String prefix, int count, int valueSize) {
        requireStarted();
        if (valueSize < 1 || valueSize > 1_000_000 || count < 0 || prefix.contains(" ") || prefix.contains("\"")) {
            throw new IllegalArgumentException("bad loadKeys arguments: count=" + count + ", valueSize=" + valueSize);
        }
        Random random = new Random(count * 31L + valueSize);
        int perBatch = Math.max(1, MAX_TXN_BYTES / (valueSize + prefix.length() + 20));
        char[] value = new char[valueSize];
        for (int start = 0; start < count; start += perBatch) {
            StringBuilder txn = new StringBuilder("\n");
            for (int i = start; i < Math.min(count, start + perBatch); i++) {
                for (int c = 0; c < valueSize; c++) {
                    value[c] = ALPHABET[random.nextInt(ALPHABET.length)];
                }
                txn.append("put ").append(prefix).append(String.format("%08d", i)).append(" \"").append(value)
                        .append("\"\n");
            }
            txn.append("\n\n");
            etcdctl.check(List.of("--endpoints=" + members.get(0).clientUrl(), "txn"), txn.toString(),
                    Duration.ofSeconds(60));
        }
    }

    /**
     * Counts the keys under a prefix.
     *
     * @param prefix the key prefix
     * @return the number of keys
     */
    public synchronized long keyCount(String prefix) {
        requireStarted();
        String out = etcdctl.check(List.of("--endpoints=" + String.join(",", clientEndpoints()), "get", prefix,
                "--prefix", "--keys-only", "--limit=1", "-w", "json"), null, Duration.ofSeconds(30)).stdout();
        Matcher m = COUNT.matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Takes a snapshot from member 0 with {@code etcdctl snapshot save}.
     *
     * @param target the file to write (parent must exist); overwritten
     * @return {@code target}
     */
    public Path snapshot(Path target) {
        return snapshot(0, target);
    }

    /**
     * Takes a snapshot from one member with {@code etcdctl snapshot save}. The file is a bbolt db with etcd's
     * 32-byte SHA-256 trailer, as rke-tools produces it.
     *
     * @param member member index from 0
     * @param target the file to write; overwritten
     * @return {@code target}
     */
    public synchronized Path snapshot(int member, Path target) {
        requireStarted();
        etcdctl.check(List.of("--endpoints=" + members.get(member).clientUrl(), "snapshot", "save",
                target.toString()), null, Duration.ofSeconds(120));
        return target;
    }

    /**
     * Reads a snapshot file with {@code etcdctl snapshot status -w json} (no running cluster needed).
     *
     * @param snapshotFile a plain etcd snapshot (unzipped)
     * @return hash, revision, key count and size as etcd reports them
     * @throws IllegalStateException if etcdctl rejects the file
     */
    public synchronized SnapshotInfo snapshotInfo(Path snapshotFile) {
        if (etcdctl == null) {
            etcdctl = new Etcdctl(Binaries.require("etcdctl", "etcd-client"));
        }
        String json = etcdctl.check(List.of("snapshot", "status", snapshotFile.toString(), "-w", "json"), null,
                Duration.ofSeconds(60)).stdout();
        return new SnapshotInfo(number(json, "hash"), number(json, "revision"), number(json, "totalKey"),
                number(json, "totalSize"));
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("etcdctl snapshot status printed no " + field + ": " + json);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * What {@code etcdctl snapshot status} says about a snapshot file.
     *
     * @param hash the hash of the database
     * @param revision the etcd revision
     * @param totalKey number of keys (etcd's count, includes internal keys)
     * @param totalSize database size in bytes (file size minus the 32-byte trailer)
     */
    public record SnapshotInfo(long hash, long revision, long totalKey, long totalSize) {
    }

    /**
     * Kills one member (SIGKILL) to simulate a dead etcd node; the others keep running.
     *
     * @param member member index from 0
     */
    public synchronized void killMember(int member) {
        requireStarted();
        members.get(member).kill();
    }

    /**
     * Returns the directory holding the data dirs and logs of all members.
     *
     * @return the root temp directory
     */
    public synchronized Path root() {
        requireStarted();
        return root;
    }

    /** Kills all members and deletes their data directories. Safe to call twice. */
    @Override
    public synchronized void close() {
        killAll();
    }

    private void killAll() {
        for (EtcdMember m : members) {
            m.kill();
        }
        members.clear();
        if (root != null) {
            Binaries.deleteTree(root);
            root = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (members.isEmpty()) {
            startedByEachCallback = true;
            start();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (startedByEachCallback) {
            startedByEachCallback = false;
            close();
        }
    }

    private void requireStarted() {
        if (members.isEmpty()) {
            throw new IllegalStateException("EtcdCluster is not running: call start() or register it with "
                    + "@RegisterExtension");
        }
    }

    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports on 127.0.0.1", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket we own does not fail in practice
                }
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Configures an {@link EtcdCluster}. Not thread-safe. */
    public static final class Builder {
        private int members = 1;
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * Sets the member count.
         *
         * @param count 1 to 5 (use 1 or 3)
         * @return this builder
         */
        public Builder members(int count) {
            if (count < 1 || count > 5) {
                throw new IllegalArgumentException("members must be 1..5, got " + count);
            }
            this.members = count;
            return this;
        }

        /**
         * Sets how long to wait for the cluster to report healthy.
         *
         * @param timeout the start timeout
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Builds the (not yet started) cluster.
         *
         * @return the cluster
         */
        public EtcdCluster build() {
            return new EtcdCluster(this);
        }
    }
}
