package dev.rkebackup.examples;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.rke.backup.BackupResult;
import dev.rkebackup.rke.backup.NodeConnector;
import dev.rkebackup.rke.backup.NodeReport;
import dev.rkebackup.rke.backup.RkeBackup;
import dev.rkebackup.rke.backup.SshEndpoints;
import dev.rkebackup.rke.backup.SshOptions;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import dev.rkebackup.s3.S3ObjectStore;
import dev.rkebackup.s3.S3ObjectStoreBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A one-time backup of an RKE cluster to S3: take an etcd snapshot with {@code rke etcd snapshot-save}, copy it from
 * an etcd node over SSH together with the cluster config and state file into a new backup set in a bucket, verify
 * the set, and keep only the 14 newest sets.
 *
 * <pre>
 * java -cp rke-backup.jar dev.rkebackup.examples.OneTimeS3Backup CLUSTER_YML BUCKET [ENDPOINT_URL]
 * </pre>
 * S3 credentials come from the AWS default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a
 * profile, or an instance role); {@code AWS_REGION} sets the region (default {@code us-east-1}). An
 * {@code ENDPOINT_URL} selects an S3-compatible server (MinIO, Ceph) with path-style addressing. Optional
 * environment: {@code RKE} (the rke executable, default: {@code rke} on the PATH) and {@code KNOWN_HOSTS} (host keys
 * of the nodes, default {@code ~/.ssh/known_hosts}). The sets go under the prefix {@code <cluster name>/}.
 * Exits 1 when the backup failed or did not verify.
 */
public final class OneTimeS3Backup {
    private OneTimeS3Backup() {
    }

    /**
     * Runs one backup.
     *
     * @param args the cluster config, the bucket and optionally the endpoint URL
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: OneTimeS3Backup CLUSTER_YML BUCKET [ENDPOINT_URL]");
            System.exit(2);
        }
        try {
            BackupResult result = backup(Path.of(args[0]), args[1], args.length > 2 ? URI.create(args[2]) : null);
            print(result);
            System.exit(result.ok() ? 0 : 1);
        } catch (BackupException e) {
            // Library failures say what failed and what to do; secrets never appear in them.
            System.err.println("backup failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static BackupResult backup(Path configFile, String bucket, URI endpoint) {
        ClusterConfig config = ClusterConfig.load(configFile);
        RkeBinary binary = System.getenv("RKE") != null ? RkeBinary.at(Path.of(System.getenv("RKE")))
                : RkeBinary.onPath();
        RkeRunner rke = RkeRunner.builder(binary).timeout(Duration.ofMinutes(30)).build();
        SshOptions ssh = System.getenv("KNOWN_HOSTS") != null
                ? SshOptions.defaults().withKnownHosts(Path.of(System.getenv("KNOWN_HOSTS"))) : SshOptions.defaults();
        NodeConnector nodes = NodeConnector.ssh(SshEndpoints.fromConfig(config, ssh));

        S3ObjectStoreBuilder s3 = S3ObjectStore.builder().bucket(bucket).prefix(config.clusterName())
                .region(System.getenv().getOrDefault("AWS_REGION", "us-east-1")).defaultCredentials();
        if (endpoint != null) {
            s3.endpoint(endpoint).pathStyle(true);
        }
        try (S3ObjectStore store = s3.build()) {
            RkeBackup backup = RkeBackup.builder(config, binary.version(), BackupRepository.create(store), nodes)
                    .retention(RetentionPolicy.keepLast(14))
                    .build();
            return backup.snapshotAndCollect(rke, SnapshotSaveRequest.builder(configFile).build());
        }
    }

    private static void print(BackupResult result) {
        Manifest set = result.manifest();
        System.out.printf("backup set %s: %s, %s%n", set.setId(), set.complete() ? "complete" : "INCOMPLETE",
                result.verification().ok() ? "verified" : "NOT VERIFIED");
        for (ArtifactEntry a : set.artifacts()) {
            System.out.printf("  %-14s %s (%,d bytes, sha256 %s)%n", a.kind().id(), a.path(), a.size(), a.sha256());
        }
        for (NodeReport node : result.nodes()) {
            System.out.printf("  node %s: %s %s%n", node.host(), node.status().id(), node.detail());
        }
        result.pruned().forEach(id -> System.out.println("  pruned old set " + id));
    }
}
