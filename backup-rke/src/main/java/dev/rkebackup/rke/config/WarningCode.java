package dev.rkebackup.rke.config;

/**
 * Stable identifiers of inspection findings. Codes are never renamed or reused; new ones are added at the end.
 * Tools may match on them (e.g. to fail a pipeline on {@link #NO_ETCD_NODES}).
 */
public enum WarningCode {
    /** Even number of etcd members: no more fault tolerance than one member fewer. */
    EVEN_ETCD_MEMBERS,
    /** No node has the etcd role (an error: RKE refuses the config, nothing to snapshot). */
    NO_ETCD_NODES,
    /** {@code services.etcd.snapshot} is false (or unset on v0.1.7–v0.1.11): no recurring snapshots. */
    RECURRING_DISABLED,
    /** {@code backup_config.enabled: false} without explicit {@code interval_hours}/{@code retention}. */
    ENABLED_FALSE_WITHOUT_VALUES,
    /** {@code backup_config.retention} is a number of snapshots, not days. */
    RETENTION_IS_A_COUNT,
    /** A legacy {@code creation}/{@code retention} is not a Go duration (e.g. {@code 24} without unit). */
    LEGACY_DURATION_WITHOUT_UNIT,
    /** A key near the backup settings that RKE does not know and silently ignores (e.g. a misspelling). */
    UNKNOWN_BACKUP_KEY,
    /** {@code s3backupconfig} (or {@code backup_config}) on a version without S3 support (before v0.2.0). */
    S3_NOT_SUPPORTED_BY_VERSION,
    /** {@code folder} on a version before v0.2.7. */
    FOLDER_NOT_SUPPORTED_BY_VERSION,
    /** {@code custom_ca} on a version before v0.2.5. */
    CUSTOM_CA_NOT_SUPPORTED_BY_VERSION,
    /** The S3 endpoint has a scheme ({@code https://}); RKE wants host[:port] and always uses TLS. */
    ENDPOINT_HAS_SCHEME,
    /** The S3 section lacks {@code bucket_name} or {@code endpoint}, which RKE requires. */
    S3_MISSING_BUCKET_OR_ENDPOINT,
    /** No {@code <name>.rkestate} next to the config on a version that needs it (v0.2.0+). */
    STATE_FILE_MISSING,
    /** Recurring snapshots of this version lack the cluster state (rancher#48253 and older versions). */
    STATE_MISSING_IN_RECURRING_SNAPSHOTS,
    /** The RKE version was not given, is a {@code dev} build, or is newer than the verified facts. */
    RKE_VERSION_UNKNOWN,
    /** A key RKE does not know outside the backup settings (ignored by the CLI, e.g. Rancher-only keys). */
    UNKNOWN_KEY,
    /** A key appears twice in one mapping; the last one wins. */
    DUPLICATE_KEY,
    /** Legacy {@code creation}/{@code retention} are ignored because {@code backup_config} is present. */
    LEGACY_FIELDS_IGNORED,
    /** {@code backup_config.timeout} on a version without it (before v1.1.14 on v1.1, v1.2.0–v1.2.4). */
    TIMEOUT_NOT_SUPPORTED_BY_VERSION,
    /** Only one of {@code access_key}/{@code secret_key} is set. */
    S3_KEYS_INCOMPLETE,
    /** {@code custom_ca} does not look like a PEM certificate; RKE rejects it. */
    CUSTOM_CA_NOT_PEM,
    /** {@code interval_hours}/{@code retention} is zero or negative, or a whole-number field has a fraction. */
    INVALID_BACKUP_VALUE,
    /** This version panics (exit 2) after a successful {@code snapshot-save} when {@code backup_config} is absent. */
    SAVE_PANICS_WITHOUT_BACKUP_CONFIG,
    /** This version cannot take snapshots at all (before v0.1.7). */
    SNAPSHOTS_NOT_SUPPORTED_BY_VERSION,
    /** Only one etcd member: losing it loses the cluster; snapshots are the only copy. */
    SINGLE_ETCD_MEMBER,
    /** The config has no {@code services.etcd.backup_config} and the version reads pki.bundle.tar.gz instead. */
    PKI_BUNDLE_REQUIRED
}
