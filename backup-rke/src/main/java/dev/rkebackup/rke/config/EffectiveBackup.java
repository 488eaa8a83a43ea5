package dev.rkebackup.rke.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What RKE will really do with a config's backup settings on a given version (rke-facts 2.4, 2.5, 4.1, 4.2).
 *
 * @param schemeUsed the settings RKE reads: {@link ConfigGeneration#BACKUP_CONFIG} or {@link ConfigGeneration#LEGACY}
 *        (legacy fields or their defaults; also when {@code backup_config} is present but the version predates it)
 * @param recurring whether {@code rke up} runs the {@code etcd-rolling-snapshots} container
 * @param interval time between recurring snapshots; zero when RKE would pass an unusable value
 * @param retentionConfigured the retention as written (or the default, marked {@code (default)})
 * @param retentionWindow how far back recurring snapshots are kept ({@code retention × interval_hours} hours for
 *        {@code backup_config}; the legacy duration otherwise); zero when unusable
 * @param uploadsToS3 whether snapshots are uploaded to S3 (recurring and {@code snapshot-save})
 * @param snapshotDirectory directory on every etcd node where snapshot files land
 * @param recurringFileName name pattern of recurring snapshot files
 * @param manualFileName name pattern of {@code snapshot-save --name <name>} files
 * @param s3KeyPrefix object key prefix in the bucket ({@code folder/}), empty for the bucket root
 * @param restoreArtifacts what a complete restore needs on this version
 */
public record EffectiveBackup(ConfigGeneration schemeUsed, boolean recurring, Duration interval,
        String retentionConfigured, Duration retentionWindow, boolean uploadsToS3, String snapshotDirectory,
        String recurringFileName, String manualFileName, String s3KeyPrefix, List<RestoreArtifact> restoreArtifacts) {
    /** Where RKE keeps snapshots on each etcd node (not affected by {@code prefix_path}). */
    public static final String SNAPSHOT_DIRECTORY = "/opt/rke/etcd-snapshots";

    /** Validates and copies. */
    public EffectiveBackup {
        Objects.requireNonNull(schemeUsed, "schemeUsed");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(retentionConfigured, "retentionConfigured");
        Objects.requireNonNull(retentionWindow, "retentionWindow");
        Objects.requireNonNull(snapshotDirectory, "snapshotDirectory");
        Objects.requireNonNull(recurringFileName, "recurringFileName");
        Objects.requireNonNull(manualFileName, "manualFileName");
        Objects.requireNonNull(s3KeyPrefix, "s3KeyPrefix");
        restoreArtifacts = List.copyOf(restoreArtifacts);
    }
}
