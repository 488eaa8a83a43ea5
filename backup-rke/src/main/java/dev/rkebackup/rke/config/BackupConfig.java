package dev.rkebackup.rke.config;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code services.etcd.backup_config} section (RKE v0.2.0+), as written in the file: unset fields stay absent,
 * defaults are applied only by {@link ConfigInspector} (they depend on the RKE version and on {@code enabled}).
 *
 * <p>Beware: {@code enabled} does not switch recurring snapshots in the RKE CLI (that is
 * {@code services.etcd.snapshot}); {@code retention} is a count, not days. Immutable and thread-safe.
 */
public final class BackupConfig {
    private final Boolean enabled;
    private final Integer intervalHours;
    private final Integer retention;
    private final Integer timeout;
    private final Boolean safeTimestamp;
    private final S3BackupConfig s3;

    BackupConfig(Boolean enabled, Integer intervalHours, Integer retention, Integer timeout, Boolean safeTimestamp,
            S3BackupConfig s3) {
        this.enabled = enabled;
        this.intervalHours = intervalHours;
        this.retention = retention;
        this.timeout = timeout;
        this.safeTimestamp = safeTimestamp;
        this.s3 = s3;
    }

    /** @return {@code enabled} as written; only decides whether RKE fills in defaults */
    public Optional<Boolean> enabled() {
        return Optional.ofNullable(enabled);
    }

    /** @return {@code interval_hours} as written (RKE default 12) */
    public OptionalInt intervalHours() {
        return intervalHours == null ? OptionalInt.empty() : OptionalInt.of(intervalHours);
    }

    /** @return {@code retention} as written: a number of snapshots (RKE default 6), not days */
    public OptionalInt retention() {
        return retention == null ? OptionalInt.empty() : OptionalInt.of(retention);
    }

    /** @return {@code timeout} in seconds as written (RKE v1.1.14/v1.2.5+, default 300) */
    public OptionalInt timeout() {
        return timeout == null ? OptionalInt.empty() : OptionalInt.of(timeout);
    }

    /** @return {@code safe_timestamp}; has no effect in the RKE CLI */
    public Optional<Boolean> safeTimestamp() {
        return Optional.ofNullable(safeTimestamp);
    }

    /** @return {@code s3backupconfig} when present */
    public Optional<S3BackupConfig> s3() {
        return Optional.ofNullable(s3);
    }

    @Override
    public String toString() {
        return "BackupConfig[enabled=" + enabled + ", intervalHours=" + intervalHours + ", retention=" + retention
                + ", timeout=" + timeout + ", safeTimestamp=" + safeTimestamp + ", s3=" + s3 + "]";
    }
}
