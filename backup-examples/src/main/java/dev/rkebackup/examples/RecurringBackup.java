package dev.rkebackup.examples;

import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.rke.backup.BackupResult;
import dev.rkebackup.rke.backup.NodeConnector;
import dev.rkebackup.rke.backup.RkeBackup;
import dev.rkebackup.rke.backup.SshEndpoints;
import dev.rkebackup.rke.backup.SshOptions;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A recurring backup loop: every interval, take a snapshot with rke, store it with the cluster config and state file
 * as a new backup set, keep the sets of the last 7 days (and at least the 10 newest), then re-verify every stored
 * set. A failed run is reported on stderr and the loop goes on; the next run starts a fresh job.
 *
 * <pre>
 * java -cp rke-backup.jar dev.rkebackup.examples.RecurringBackup CLUSTER_YML STORE [INTERVAL] [RUNS]
 * </pre>
 * {@code STORE} is a store location ({@code /backups}, {@code file:///backups} or
 * {@code s3://bucket/prefix?region=eu-west-1}; S3 credentials from the AWS default chain). {@code INTERVAL} is an
 * ISO-8601 duration (default {@code PT6H}); {@code RUNS} stops after that many runs (default: run until killed).
 * Optional environment: {@code RKE} (the rke executable) and {@code KNOWN_HOSTS} (host keys of the nodes).
 * Prefer this loop to RKE's own recurring snapshots only when they cannot be used; see {@code rke-backup inspect}.
 */
public final class RecurringBackup {
    private static final RetentionPolicy RETENTION = RetentionPolicy.builder().keepLast(10)
            .keepWithin(Duration.ofDays(7)).build();

    private final Path configFile;
    private final String storeLocation;
    private int runs;
    private int failedRuns;

    private RecurringBackup(Path configFile, String storeLocation) {
        this.configFile = configFile;
        this.storeLocation = storeLocation;
    }

    /**
     * Runs the loop.
     *
     * @param args the cluster config, the store location, optionally the interval and the number of runs
     * @throws InterruptedException if interrupted while waiting for the runs
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: RecurringBackup CLUSTER_YML STORE [INTERVAL like PT6H] [RUNS]");
            System.exit(2);
        }
        Duration interval = args.length > 2 ? Duration.parse(args[2]) : Duration.ofHours(6);
        int maxRuns = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        RecurringBackup loop = new RecurringBackup(Path.of(args[0]), args[1]);
        CountDownLatch done = new CountDownLatch(maxRuns);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        // An exception escaping a scheduled task would silently cancel every later run: runOnce never throws.
        scheduler.scheduleWithFixedDelay(() -> {
            loop.runOnce();
            done.countDown();
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(scheduler::shutdownNow));
        done.await();
        scheduler.shutdownNow();
        System.out.printf("%d runs, %d failed%n", loop.runs, loop.failedRuns);
        System.exit(loop.failedRuns == 0 ? 0 : 1);
    }

    /** One backup, retention and verification. Reports instead of throwing. */
    private void runOnce() {
        int run = ++runs;
        Instant start = Instant.now();
        try (ObjectStore store = ObjectStores.open(storeLocation)) {
            // Loaded on every run: edits to cluster.yml (new nodes, new keys) are picked up.
            ClusterConfig config = ClusterConfig.load(configFile);
            RkeBinary binary = System.getenv("RKE") != null ? RkeBinary.at(Path.of(System.getenv("RKE")))
                    : RkeBinary.onPath();
            RkeRunner rke = RkeRunner.builder(binary).timeout(Duration.ofMinutes(30)).build();
            SshOptions ssh = System.getenv("KNOWN_HOSTS") != null
                    ? SshOptions.defaults().withKnownHosts(Path.of(System.getenv("KNOWN_HOSTS")))
                    : SshOptions.defaults();
            BackupRepository repository = BackupRepository.create(store);
            BackupResult result = RkeBackup.builder(config, binary.version(), repository,
                    NodeConnector.ssh(SshEndpoints.fromConfig(config, ssh)))
                    .retention(RETENTION)
                    .build()
                    .snapshotAndCollect(rke, SnapshotSaveRequest.builder(configFile).build());
            if (!result.ok()) {
                throw new IllegalStateException("set " + result.manifest().setId() + " is incomplete or damaged: "
                        + result.manifest().notes() + " " + result.verification().problems());
            }
            int damaged = 0;
            for (Manifest set : repository.listSets()) {
                VerifyReport report = repository.verify(set.setId());
                if (!report.ok()) {
                    damaged++;
                    System.err.printf("run %d: stored set %s is DAMAGED: %s%n", run, set.setId(), report.problems());
                }
            }
            if (damaged > 0) {
                throw new IllegalStateException(damaged + " stored sets are damaged; do not restore from them");
            }
            System.out.printf("run %d OK: set %s stored and verified in %s s, %d old sets pruned%n", run,
                    result.manifest().setId(), Duration.between(start, Instant.now()).toSeconds(),
                    result.pruned().size());
        } catch (RuntimeException e) {
            // Library exceptions say what failed and what to do, and never contain secrets. Alert here
            // (mail, metrics, a webhook); the next run starts from scratch.
            failedRuns++;
            System.err.printf("run %d FAILED (%d of %d runs failed): %s%n", run, failedRuns, run, e.getMessage());
        }
        System.out.flush();
    }
}
