package dev.rkebackup.rke.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One etcd process of an {@link EtcdCluster}. Not thread-safe; the cluster synchronizes. */
final class EtcdMember {
    private final String name;
    private final String clientUrl;
    private final Path logFile;
    private final Process process;

    private EtcdMember(String name, String clientUrl, Path logFile, Process process) {
        this.name = name;
        this.clientUrl = clientUrl;
        this.logFile = logFile;
        this.process = process;
    }

    static EtcdMember launch(Path etcd, Path root, String name, int clientPort, int peerPort, String initialCluster,
            String token) {
        String clientUrl = "http://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        Path log = root.resolve(name + ".log");
        List<String> cmd = List.of(etcd.toString(),
                "--name", name,
                "--data-dir", root.resolve(name + ".etcd").toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token,
                "--listen-metrics-urls", "",
                // big txn batches make loadKeys fast
                "--max-txn-ops", "100000",
                "--max-request-bytes", "33554432",
                "--logger", "zap");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(devNull()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        try {
            return new EtcdMember(name, clientUrl, log, pb.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + etcd + ": " + e.getMessage(), e);
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    String name() {
        return name;
    }

    String clientUrl() {
        return clientUrl;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("etcd member " + name + " (pid " + process.pid()
                        + ") did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
