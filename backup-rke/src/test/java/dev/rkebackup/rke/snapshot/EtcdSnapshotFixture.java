package dev.rkebackup.rke.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real single-member etcd (Debian {@code etcd-server}) on free loopback ports, loads some data and takes
 * snapshots with {@code etcdctl snapshot save}. Private stand-in until the shared
 * {@code dev.rkebackup.rke.testing.EtcdCluster} fixture lands; a missing binary fails the test.
 */
public final class EtcdSnapshotFixture implements AutoCloseable {
    private final Path dir;
    private final Process etcd;
    private final String endpoint;

    private EtcdSnapshotFixture(Path dir, Process etcd, String endpoint) {
        this.dir = dir;
        this.etcd = etcd;
        this.endpoint = endpoint;
    }

    /**
     * Starts etcd and waits until it is healthy.
     *
     * @param dir working directory (data dir and logs go below it)
     * @return the running member
     * @throws Exception if etcd cannot start
     */
    public static EtcdSnapshotFixture start(Path dir) throws Exception {
        requireBinary("/usr/bin/etcd");
        requireBinary("/usr/bin/etcdctl");
        int client = freePort();
        int peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/etcd", "--name", "m1",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "m1=" + peerUrl, "--initial-cluster-state", "new",
                "--initial-cluster-token", "rke-node-test", "--listen-metrics-urls", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile());
        Process p = pb.start();
        EtcdSnapshotFixture f = new EtcdSnapshotFixture(dir, p, clientUrl);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("etcd exited: " + Files.readString(dir.resolve("etcd.log")));
            }
            if (f.etcdctl(null, "endpoint", "health").exit == 0) {
                return f;
            }
            if (System.nanoTime() > deadline) {
                f.close();
                throw new IllegalStateException("etcd not healthy within 30 s: " + dir.resolve("etcd.log"));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Writes {@code keys} keys with random values of {@code valueBytes} bytes each.
     *
     * @param keys number of keys
     * @param valueBytes value size
     * @param seed random seed
     * @throws Exception if etcdctl fails
     */
    public void load(int keys, int valueBytes, long seed) throws Exception {
        Random r = new Random(seed);
        for (int i = 0; i < keys; i++) {
            byte[] v = new byte[valueBytes];
            r.nextBytes(v);
            String value = java.util.Base64.getEncoder().encodeToString(v);
            Result res = etcdctl(value, "put", "/registry/test/key-" + i);
            assertThat(res.exit).as("etcdctl put: %s", res.output).isZero();
        }
    }

    /**
     * Takes a snapshot with {@code etcdctl snapshot save}.
     *
     * @param file target file
     * @return the file
     * @throws Exception if etcdctl fails
     */
    public Path snapshot(Path file) throws Exception {
        Result res = etcdctl(null, "snapshot", "save", file.toString());
        assertThat(res.exit).as("etcdctl snapshot save: %s", res.output).isZero();
        return file;
    }

    /**
     * The member's raw database file ({@code member/snap/db}), which has no SHA-256 trailer.
     *
     * @return the path inside the data dir
     */
    public Path memberDb() {
        return dir.resolve("data/member/snap/db");
    }

    private Result etcdctl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcdctl", "--endpoints=" + endpoint,
                "--dial-timeout=2s", "--command-timeout=20s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("etcdctl " + args[0] + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }

    private static void requireBinary(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: install the Debian packages etcd-server and"
                    + " etcd-client (apt-get install -y etcd-server etcd-client)");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops etcd (SIGKILL is safe for a throwaway data dir). */
    @Override
    public void close() throws InterruptedException {
        etcd.destroyForcibly();
        etcd.waitFor(10, TimeUnit.SECONDS);
    }

    private record Result(int exit, String output) {
    }
}
