package dev.rkebackup.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.rke.RkeArtifacts;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that a stored set restores: verifies it, restores its etcd snapshot into a throwaway etcd on 127.0.0.1
 * (random ports, a temporary 0700 data directory, the {@code etcd} and {@code etcdutl}/{@code etcdctl} of this
 * machine), starts it and checks that it is healthy, that its revision is the one the manifest recorded, that it
 * holds keys, the {@code /registry/namespaces/} and {@code /registry/secrets/} prefixes, and, for sets with a state
 * file, the cluster's own objects (namespace {@code kube-system}, one {@code /registry/minions/<node>} per node of
 * the state). Then it stops the etcd and wipes the directory, whatever happened.
 *
 * <p>Immutable and thread-safe; each run uses its own directory and ports.
 */
public final class EtcdDrill {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdDrill.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BackupRepository repository;
    private final Path binDirectory;
    private final Path workRoot;
    private final Duration startTimeout;

    private EtcdDrill(Builder b) {
        this.repository = b.repository;
        this.binDirectory = b.binDirectory;
        this.workRoot = b.workRoot;
        this.startTimeout = b.startTimeout;
    }

    /**
     * Starts building a drill.
     *
     * @param repository where the sets are
     * @return a builder
     */
    public static Builder builder(BackupRepository repository) {
        return new Builder(repository);
    }

    /**
     * Drills the newest complete set.
     *
     * @return the report
     * @throws InvalidInputException if the store holds no set
     */
    public DrillReport runNewest() {
        List<Manifest> sets = repository.listSets();
        Manifest newest = sets.stream().filter(Manifest::complete).max(Comparator.comparing(Manifest::createdAt))
                .orElseThrow(() -> new InvalidInputException("the store holds no complete backup set to drill; take"
                        + " a backup first"));
        return run(newest.setId());
    }

    /**
     * Drills one set. Never throws for a set that fails the drill: the report says what failed.
     *
     * @param setId the set
     * @return the report
     */
    public DrillReport run(String setId) {
        long started = System.nanoTime();
        List<DrillReport.Check> checks = new ArrayList<>();
        long[] found = new long[2];
        Path work = null;
        Process etcd = null;
        try {
            Optional<Tools> tools = tools(checks);
            if (tools.isEmpty()) {
                return report(setId, checks, found, started);
            }
            VerifyReport v = repository.verify(setId);
            checks.add(new DrillReport.Check("verify", v.ok(), v.ok() ? v.checks().size()
                    + " artifacts match their size and SHA-256" : "the set is damaged: " + v.problems()));
            if (!v.ok()) {
                return report(setId, checks, found, started);
            }
            Manifest m = repository.manifest(setId);
            List<ArtifactEntry> snaps = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT);
            if (snaps.isEmpty()) {
                checks.add(new DrillReport.Check("snapshot", false, "the set holds no etcd snapshot"));
                return report(setId, checks, found, started);
            }
            work = Files.createTempDirectory(workRoot, "rke-backup-drill-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path db = work.resolve("snapshot.db");
            String extracted = extract(m, snaps.get(0), db);
            checks.add(new DrillReport.Check("snapshot", extracted == null, extracted == null
                    ? snaps.get(0).path() + " (" + Files.size(db) + " bytes of etcd snapshot)" : extracted));
            if (extracted != null) {
                return report(setId, checks, found, started);
            }
            int[] ports = freePorts();
            String peer = "http://127.0.0.1:" + ports[1];
            String client = "http://127.0.0.1:" + ports[0];
            Path data = work.resolve("data");
            List<String> restore = new ArrayList<>(List.of(tools.get().restorer.toString(), "snapshot", "restore",
                    db.toString(), "--data-dir", data.toString(), "--name", "drill", "--initial-cluster",
                    "drill=" + peer, "--initial-advertise-peer-urls", peer, "--initial-cluster-token",
                    "rke-backup-drill"));
            Run r = run(restore, work.resolve("restore.log"), Duration.ofMinutes(10));
            checks.add(new DrillReport.Check("restore", r.code == 0, r.code == 0 ? tools.get().restorer
                    .getFileName() + " snapshot restore accepted the snapshot (SHA-256 trailer and bbolt pages)"
                    : tools.get().restorer.getFileName() + " snapshot restore failed (exit " + r.code + "): "
                    + r.tail));
            if (r.code != 0) {
                return report(setId, checks, found, started);
            }
            etcd = new ProcessBuilder(tools.get().etcd.toString(), "--name", "drill", "--data-dir", data.toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer, "--initial-cluster", "drill=" + peer,
                    "--listen-metrics-urls", "", "--quota-backend-bytes", String.valueOf(8L << 30))
                    .redirectErrorStream(true).redirectOutput(work.resolve("etcd.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            checkRunning(etcd, client, ports[0], m, checks, found, work);
        } catch (IOException e) {
            checks.add(new DrillReport.Check("drill", false, "the drill could not run: " + e.getMessage()));
        } finally {
            if (etcd != null) {
                etcd.destroyForcibly();
                try {
                    etcd.waitFor(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (work != null) {
                boolean wiped = wipe(work);
                checks.add(new DrillReport.Check("cleanup", wiped, wiped ? "throwaway etcd stopped, "
                        + "temporary directory removed" : "could not remove " + work + "; delete it by hand"));
            }
        }
        return report(setId, checks, found, started);
    }

    private void checkRunning(Process etcd, String client, int port, Manifest m, List<DrillReport.Check> checks,
            long[] found, Path work) throws IOException {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            StatusResponse st = null;
            String last = "";
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (System.nanoTime() < deadline && etcd.isAlive()) {
                try {
                    st = MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
                            .status(StatusRequest.getDefaultInstance());
                    if (st.getLeader() != 0 && st.getLeader() == st.getHeader().getMemberId()) {
                        break;
                    }
                } catch (StatusRuntimeException e) {
                    last = e.getStatus().getCode().toString();
                }
                sleep(200);
            }
            boolean healthy = st != null && st.getLeader() == st.getHeader().getMemberId()
                    && st.getErrorsCount() == 0;
            checks.add(new DrillReport.Check("healthy", healthy, healthy ? "throwaway etcd " + st.getVersion()
                    + " on " + client + " is its own leader, no alarms" : "the restored etcd did not become healthy"
                    + (etcd.isAlive() ? " within " + startTimeout.toSeconds() + " s (" + last + ")"
                    : ": it exited; its log ends with: " + tail(work.resolve("etcd.log")))));
            if (!healthy) {
                return;
            }
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
            long keys = count(kv, ByteString.copyFrom(new byte[] {0}), ByteString.copyFrom(new byte[] {0}));
            long revision = st.getHeader().getRevision();
            found[0] = revision;
            found[1] = keys;
            Optional<long[]> expected = expectedRevision(m.metadata(), m);
            if (expected.isPresent()) {
                long lo = expected.get()[0];
                long hi = expected.get()[1];
                boolean ok = revision >= lo && revision <= hi;
                checks.add(new DrillReport.Check("revision", ok, ok ? "revision " + revision + (lo == hi
                        ? " equals the manifest's" : " is within the manifest's " + lo + ".." + hi)
                        : "revision " + revision + " but the manifest recorded " + (lo == hi ? lo : lo + ".." + hi)
                        + ": the snapshot is not the one the set describes"));
            } else {
                checks.add(new DrillReport.Check("revision", true, "revision " + revision
                        + " (the set was taken with rke, which records no revision)"));
            }
            checks.add(new DrillReport.Check("keys", keys > 0, keys + " keys"));
            for (String prefix : List.of("/registry/", "/registry/namespaces/", "/registry/secrets/")) {
                long n = prefixCount(kv, prefix);
                checks.add(new DrillReport.Check("prefix " + prefix, n > 0, n > 0 ? n + " keys"
                        : "no key under " + prefix + ": this is not a Kubernetes etcd, or the wrong one"));
            }
            Set<String> own = ownObjects(m);
            if (!own.isEmpty()) {
                List<String> missing = new ArrayList<>();
                for (String key : own) {
                    if (count(kv, utf8(key), ByteString.EMPTY) == 0) {
                        missing.add(key);
                    }
                }
                checks.add(new DrillReport.Check("cluster objects", missing.isEmpty(), missing.isEmpty()
                        ? own.size() + " objects of the cluster in the state file are present (" + String.join(", ",
                        own) + ")" : "missing " + missing + ": the snapshot is not of the cluster the state file"
                        + " describes"));
            }
        } catch (StatusRuntimeException e) {
            checks.add(new DrillReport.Check("query", false, "reading the restored etcd failed: "
                    + e.getStatus().getCode() + " " + Objects.toString(e.getStatus().getDescription(), "")));
        } finally {
            ch.shutdownNow();
        }
    }

    private static Optional<long[]> expectedRevision(SetMetadata meta, Manifest m) {
        String lo = meta.labels().get(EtcdLabels.REVISION);
        if (lo == null) {
            return Optional.empty();
        }
        long low = Long.parseLong(lo);
        String hi = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).attributes().get(EtcdLabels.REVISION_MAX);
        return Optional.of(new long[] {low, hi == null ? low : Long.parseLong(hi)});
    }

    /** The keys every restore of this cluster must hold: kube-system and one node object per node of the state. */
    private Set<String> ownObjects(Manifest m) {
        List<ArtifactEntry> states = m.artifacts(RkeArtifacts.RKESTATE);
        if (states.isEmpty()) {
            return Set.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        keys.add("/registry/namespaces/kube-system");
        try (InputStream in = repository.openArtifact(m.setId(), states.get(0).path())) {
            JsonNode nodes = JSON.readTree(in.readNBytes(64 * 1024 * 1024)).path("currentState").path("rkeConfig")
                    .path("nodes");
            for (JsonNode n : nodes) {
                String name = n.path("hostname_override").asText("");
                keys.add("/registry/minions/" + (name.isEmpty() ? n.path("address").asText() : name));
            }
        } catch (IOException e) {
            LOG.debug("state file of set {} not readable as JSON: {}", m.setId(), e.toString());
        }
        return keys;
    }

    private static long prefixCount(KVGrpc.KVBlockingStub kv, String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return count(kv, utf8(prefix), ByteString.copyFrom(end));
    }

    private static long count(KVGrpc.KVBlockingStub kv, ByteString key, ByteString end) {
        return kv.range(RangeRequest.newBuilder().setKey(key).setRangeEnd(end).setCountOnly(true).build()).getCount();
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** Copies the plain snapshot out of the set (from inside the zip for RKE v0.2.5+); null when done, else why not. */
    private String extract(Manifest m, ArtifactEntry snap, Path db) throws IOException {
        try (InputStream in = repository.openArtifact(m.setId(), snap.path());
             OutputStream out = Files.newOutputStream(db, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (!snap.path().endsWith(".zip")) {
                in.transferTo(out);
                return null;
            }
            String name = m.metadata().labels().getOrDefault(SetMetadata.LABEL_SNAPSHOT_NAME,
                    snap.path().substring(snap.path().lastIndexOf('/') + 1, snap.path().length() - 4));
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().equals("/backup/" + name) || e.getName().equals("backup/" + name)) {
                        zip.transferTo(out);
                        return null;
                    }
                }
            }
            return snap.path() + " has no /backup/" + name + " entry";
        }
    }

    private record Tools(Path etcd, Path restorer) {
    }

    private Optional<Tools> tools(List<DrillReport.Check> checks) {
        Optional<Path> etcd = find("etcd");
        Optional<Path> restorer = find("etcdutl").or(() -> find("etcdctl"));
        if (etcd.isEmpty() || restorer.isEmpty()) {
            checks.add(new DrillReport.Check("tools", false, (etcd.isEmpty() ? "etcd" : "")
                    + (etcd.isEmpty() && restorer.isEmpty() ? " and " : "") + (restorer.isEmpty()
                    ? "etcdutl (etcd 3.5+) or etcdctl (3.4)" : "") + " not found " + (binDirectory != null ? "in "
                    + binDirectory : "on the PATH") + "; install them (Debian: apt-get install etcd-server"
                    + " etcd-client) or point --etcd-bin at a directory that holds them"));
            return Optional.empty();
        }
        checks.add(new DrillReport.Check("tools", true, etcd.get() + ", " + restorer.get()));
        return Optional.of(new Tools(etcd.get(), restorer.get()));
    }

    private Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>();
        if (binDirectory != null) {
            dirs.add(binDirectory.toString());
        } else {
            dirs.addAll(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        }
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name)) && !Files.isDirectory(Path.of(d, name))) {
                return Optional.of(Path.of(d, name));
            }
        }
        return Optional.empty();
    }

    private record Run(int code, String tail) {
    }

    private static Run run(List<String> cmd, Path log, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out after " + timeout);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
        return new Run(p.exitValue(), tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static boolean wipe(Path dir) {
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            return false;
        }
        return !Files.exists(dir);
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    private static DrillReport report(String setId, List<DrillReport.Check> checks, long[] found, long started) {
        DrillReport r = new DrillReport(setId, checks, found[0], found[1],
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("drill of set {}: {}", setId, r.ok() ? "passed" : "FAILED");
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds an {@link EtcdDrill}. Not thread-safe. */
    public static final class Builder {
        private final BackupRepository repository;
        private Path binDirectory;
        private Path workRoot = Path.of(System.getProperty("java.io.tmpdir"));
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder(BackupRepository repository) {
            this.repository = Objects.requireNonNull(repository, "repository");
        }

        /**
         * Takes {@code etcd} and {@code etcdutl}/{@code etcdctl} from this directory instead of the PATH.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder binDirectory(Path dir) {
            this.binDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Where the temporary directory is made (the system temp directory by default); it needs room for the
         * snapshot twice.
         *
         * @param dir the parent directory
         * @return this builder
         */
        public Builder workRoot(Path dir) {
            this.workRoot = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * How long the throwaway etcd may take to become healthy (60 s by default).
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder startTimeout(Duration value) {
            this.startTimeout = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * Builds the drill.
         *
         * @return the drill
         */
        public EtcdDrill build() {
            return new EtcdDrill(this);
        }
    }
}
