package dev.rkebackup.rke.backup;

import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.node.testing.SshNodes;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Benchmark, not a test (run {@code backup-rke/bench/collect.sh}): collects one snapshot of about {@code SIZE_MIB}
 * from one SSH node ({@link CollectionStrategy#FIRST_INTACT}) and from three SSH nodes at once
 * ({@link CollectionStrategy#ALL_NODES}), and prints seconds and MiB/s side by side.
 *
 * <p>The snapshot is real: a 1-member etcd is loaded with 4 KiB values ({@link EtcdCluster#loadKeys}) until the
 * snapshot that {@code etcdctl snapshot save} writes (bbolt, SHA-256 trailer) is about the wanted size; each node gets
 * its own copy. Layout {@code plain} (RKE before v0.2.5, the default here: transfer and check only) or {@code zip}
 * (RKE v0.2.5+, Deflate; the zip is smaller than the db because the values compress). Nodes are in-JVM SSH/SFTP
 * servers on 127.0.0.1 (the same JVM also runs the client, the check and the filesystem store), so the figures are a
 * floor for real nodes on a network, not a ceiling. Each figure is the median of {@code ROUNDS} rounds after one
 * warm-up round; "transfer" is from the first snapshot byte to the last (node streams, checks and stores), "job" is
 * the whole {@link RkeBackup#collect} call including connecting, the config/state files, commit and the verifying
 * re-read of the set.
 */
public final class CollectBench {
    private CollectBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [sizeMiB] [rounds] [plain|zip] [workDir]}
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean zip = args.length > 2 && args[2].equals("zip");
        Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("rkb-collect-bench-");
        RkeVersion version = RkeVersion.parse(zip ? "v1.6.3" : "v0.2.4");
        String name = "bench";
        String remote = "/opt/rke/etcd-snapshots/" + version.snapshotFileName(name);

        Path snapshot;
        try (EtcdCluster etcd = EtcdCluster.start(1)) {
            long t0 = System.nanoTime();
            // bbolt keeps pages about 80% full: 4 KiB values worth 66% of the wanted size give about the wanted size
            etcd.loadKeys("/registry/bench/", (int) (sizeMiB * 1024L * 1024 * (zip ? 1.31 : 0.66) / 4096), 4096);
            snapshot = etcd.snapshot(work.resolve("etcd.db"));
            System.out.printf(Locale.ROOT, "loaded etcd and took the snapshot in %.1f s: %.1f MiB%n",
                    seconds(System.nanoTime() - t0), mib(Files.size(snapshot)));
        }
        Path payload = zip ? zipped(snapshot, work.resolve(name + ".zip"), name) : snapshot;
        long size = Files.size(payload);
        try (SshNodes nodes = SshNodes.start(work.resolve("ssh"), 3, SshNodes.KeyType.ED25519)) {
            for (int i = 0; i < 3; i++) {
                Path target = nodes.node(i).file(remote);
                Files.createDirectories(target.getParent());
                Files.copy(payload, target);
            }
            Path cfgDir = Files.createDirectories(work.resolve("cluster"));
            StringBuilder y = new StringBuilder("ssh_key_path: ").append(nodes.userKey()).append("\nnodes:\n");
            for (int i = 0; i < 3; i++) {
                y.append("- {address: 127.0.0.1, port: \"").append(nodes.node(i).port()).append("\", user: ")
                        .append(SshNodes.USER).append(", hostname_override: n").append(i)
                        .append(", role: [etcd, controlplane, worker]}\n");
            }
            Path configFile = Files.writeString(cfgDir.resolve("cluster.yml"), y.toString());
            Files.writeString(cfgDir.resolve("cluster.rkestate"), StandinCluster.STATE);
            ClusterConfig config = ClusterConfig.load(configFile);
            SshOptions options = SshOptions.defaults().withKnownHosts(nodes.knownHosts())
                    .withConnectTimeout(Duration.ofSeconds(10));

            System.out.printf(Locale.ROOT, "snapshot layout %s, %.1f MiB per node, %d rounds after a warm-up%n",
                    zip ? "RKE zip (v1.6.3)" : "plain (v0.2.4)", mib(size), rounds);
            run(config, version, options, work, CollectionStrategy.FIRST_INTACT, name);
            run(config, version, options, work, CollectionStrategy.ALL_NODES, name);
            List<double[]> one = new ArrayList<>();
            List<double[]> three = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                one.add(run(config, version, options, work, CollectionStrategy.FIRST_INTACT, name));
                three.add(run(config, version, options, work, CollectionStrategy.ALL_NODES, name));
            }
            double[] o = median(one);
            double[] t = median(three);
            System.out.printf(Locale.ROOT, "%-32s %10s %12s %10s %12s%n", "", "transfer s", "MiB/s",
                    "job s", "MiB/s");
            System.out.printf(Locale.ROOT, "%-32s %10.2f %12.1f %10.2f %12.1f%n",
                    String.format(Locale.ROOT, "1 node  x %.0f MiB (first-intact)", mib(size)), o[0],
                    mib(size) / o[0], o[1], mib(size) / o[1]);
            System.out.printf(Locale.ROOT, "%-32s %10.2f %12.1f %10.2f %12.1f%n",
                    String.format(Locale.ROOT, "3 nodes x %.0f MiB (all-nodes)", mib(size)), t[0],
                    3 * mib(size) / t[0], t[1], 3 * mib(size) / t[1]);
            System.out.printf(Locale.ROOT, "3 nodes took %.2fx the time of 1 node for 3x the data"
                    + " (1.00 = perfectly parallel, 3.00 = serial)%n", t[0] / o[0]);
        } finally {
            if (args.length <= 3) {
                delete(work);
            }
        }
    }

    private static double[] run(ClusterConfig config, RkeVersion version, SshOptions options, Path work,
            CollectionStrategy strategy, String name) throws IOException {
        Path store = work.resolve("store");
        delete(store);
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong();
        ProgressListener timing = new ProgressListener() {
            @Override
            public void started(String path, long totalBytes) {
                if (path.startsWith("snapshots/")) {
                    first.accumulateAndGet(System.nanoTime(), Math::min);
                }
            }

            @Override
            public void finished(String path, long bytes, boolean success) {
                if (!success) {
                    throw new IllegalStateException(path + " failed");
                }
                if (path.startsWith("snapshots/")) {
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }
        };
        BackupRepository repo = BackupRepository.builder(FileSystemObjectStore.create(store)).listener(timing)
                .build();
        long t0 = System.nanoTime();
        BackupResult r = RkeBackup.builder(config, version, repo,
                NodeConnector.ssh(SshEndpoints.fromConfig(config, options))).strategy(strategy).build().collect(name);
        long job = System.nanoTime() - t0;
        int expected = strategy == CollectionStrategy.ALL_NODES ? 3 : 1;
        if (!r.ok() || r.manifest().artifacts(RkeArtifacts.ETCD_SNAPSHOT).size()
                != expected) {
            throw new IllegalStateException("benchmark run failed: " + r + " " + r.nodes());
        }
        return new double[] {seconds(last.get() - first.get()), seconds(job)};
    }

    private static Path zipped(Path db, Path target, String name) throws IOException {
        try (OutputStream out = Files.newOutputStream(target); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("/backup/" + name));
            Files.copy(db, z);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("/etc/kubernetes/" + name + ".rkestate"));
            z.write(StandinCluster.STATE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return target;
    }

    private static double[] median(List<double[]> runs) {
        double[] out = new double[2];
        for (int k = 0; k < 2; k++) {
            int col = k;
            List<Double> v = runs.stream().map(a -> a[col]).sorted().toList();
            out[k] = v.get(v.size() / 2);
        }
        return out;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
