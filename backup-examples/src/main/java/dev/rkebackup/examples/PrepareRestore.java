package dev.rkebackup.examples;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.rke.backup.NodeConnector;
import dev.rkebackup.rke.backup.NodeReport;
import dev.rkebackup.rke.backup.RestorePreparation;
import dev.rkebackup.rke.backup.RestoreResult;
import dev.rkebackup.rke.backup.SshEndpoints;
import dev.rkebackup.rke.backup.SshOptions;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import java.nio.file.Path;
import java.util.List;

/**
 * Restore preparation: pick a backup set (the newest complete one by default), show every step, and with
 * {@code --execute} put the <em>same</em> verified snapshot on every etcd node (SHA-256 confirmed on each), place the
 * cluster config and state file, and print the {@code rke etcd snapshot-restore} command to run next. Nothing is
 * restored here: the restore wipes etcd, so an operator starts it.
 *
 * <pre>
 * java -cp rke-backup.jar dev.rkebackup.examples.PrepareRestore CLUSTER_YML STORE [SET_ID|latest] [--execute]
 * </pre>
 * {@code STORE} is a store location ({@code /backups}, {@code s3://bucket/prefix?region=...}, S3 credentials from
 * the AWS default chain). Optional environment: {@code RKE} (the rke executable that will restore; its version
 * decides the snapshot layout) and {@code KNOWN_HOSTS} (host keys of the nodes). Exits 1 if the set is damaged or a
 * node could not be prepared.
 */
public final class PrepareRestore {
    private PrepareRestore() {
    }

    /**
     * Prepares the restore.
     *
     * @param args the cluster config, the store location, optionally the set id and {@code --execute}
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: PrepareRestore CLUSTER_YML STORE [SET_ID|latest] [--execute]");
            System.exit(2);
        }
        boolean execute = List.of(args).contains("--execute");
        String wanted = args.length > 2 && !args[2].equals("--execute") ? args[2] : "latest";
        try {
            prepare(Path.of(args[0]), args[1], wanted, execute);
        } catch (BackupException e) {
            // Library failures say what failed and what to do; secrets never appear in them.
            System.err.println("restore preparation failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void prepare(Path configFile, String storeLocation, String wanted, boolean execute) {
        ClusterConfig config = ClusterConfig.load(configFile);
        RkeBinary rke = System.getenv("RKE") != null ? RkeBinary.at(Path.of(System.getenv("RKE")))
                : RkeBinary.onPath();
        SshOptions ssh = System.getenv("KNOWN_HOSTS") != null
                ? SshOptions.defaults().withKnownHosts(Path.of(System.getenv("KNOWN_HOSTS"))) : SshOptions.defaults();
        try (ObjectStore store = ObjectStores.open(storeLocation)) {
            BackupRepository repository = BackupRepository.create(store);
            String setId = wanted.equals("latest") ? newestComplete(repository) : wanted;
            RestorePreparation preparation = RestorePreparation.builder(repository, setId, config, rke.version(),
                    NodeConnector.ssh(SshEndpoints.fromConfig(config, ssh)))
                    .rkeExecutable(rke.path())
                    .build();

            RestoreResult plan = preparation.dryRun();
            System.out.println("restore of set " + setId + " (snapshot " + plan.snapshotName() + "):");
            plan.steps().forEach(step -> System.out.println("  - " + step));
            if (!execute) {
                System.out.println("dry run: nothing changed; add --execute to prepare the nodes");
                return;
            }
            RestoreResult done = preparation.execute();
            for (NodeReport node : done.nodes()) {
                System.out.printf("  node %s: %s %s%n", node.host(), node.status().id(), node.detail());
            }
            System.out.println("every etcd node holds " + done.snapshotName() + " with sha256 "
                    + done.snapshotSha256() + ". To restore (stops etcd, rebuilds the cluster), run:");
            System.out.println("  " + done.restoreCommand());
        }
    }

    /** The newest set that holds everything a restore needs; {@link BackupRepository#listSets()} is oldest first. */
    private static String newestComplete(BackupRepository repository) {
        List<Manifest> sets = repository.listSets();
        for (int i = sets.size() - 1; i >= 0; i--) {
            if (sets.get(i).complete()) {
                return sets.get(i).setId();
            }
        }
        throw new BackupException("no complete backup set in " + repository.store().describe()
                + "; take a backup first");
    }
}
