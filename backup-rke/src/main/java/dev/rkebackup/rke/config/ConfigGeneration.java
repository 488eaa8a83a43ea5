package dev.rkebackup.rke.config;

/** Which backup scheme a cluster config is written in. */
public enum ConfigGeneration {
    /** The v0.1.x fields {@code services.etcd.snapshot/creation/retention} and no {@code backup_config}. */
    LEGACY,
    /** {@code services.etcd.backup_config} (RKE v0.2.0+), with or without {@code s3backupconfig}. */
    BACKUP_CONFIG,
    /** No backup setting at all: RKE's per-version defaults apply. */
    NONE
}
