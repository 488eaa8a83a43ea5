package dev.rkebackup.rke.config;

import java.util.Optional;

/**
 * The backup-relevant part of {@code services.etcd}: the legacy v0.1.x fields ({@code snapshot}, {@code creation},
 * {@code retention}) and {@code backup_config}, as written in the file (no defaults applied).
 *
 * <p>{@code snapshot} is the only switch for recurring snapshots in the RKE CLI, also when {@code backup_config} is
 * present. Immutable and thread-safe.
 */
public final class EtcdConfig {
    private final Boolean snapshot;
    private final String creation;
    private final String retention;
    private final BackupConfig backupConfig;

    EtcdConfig(Boolean snapshot, String creation, String retention, BackupConfig backupConfig) {
        this.snapshot = snapshot;
        this.creation = creation;
        this.retention = retention;
        this.backupConfig = backupConfig;
    }

    /** @return {@code services.etcd.snapshot} as written; unset means true from RKE v0.1.12, false before */
    public Optional<Boolean> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** @return legacy {@code creation}, the Go duration text between recurring snapshots (e.g. {@code 6h0s}) */
    public Optional<String> creation() {
        return Optional.ofNullable(creation);
    }

    /** @return legacy {@code retention}, the Go duration text after which snapshots are pruned (e.g. {@code 24h}) */
    public Optional<String> retention() {
        return Optional.ofNullable(retention);
    }

    /** @return {@code backup_config} when present */
    public Optional<BackupConfig> backupConfig() {
        return Optional.ofNullable(backupConfig);
    }

    @Override
    public String toString() {
        return "EtcdConfig[snapshot=" + snapshot + ", creation=" + creation + ", retention=" + retention
                + ", backupConfig=" + backupConfig + "]";
    }
}
