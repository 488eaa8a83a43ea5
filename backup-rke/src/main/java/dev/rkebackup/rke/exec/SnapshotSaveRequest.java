package dev.rkebackup.rke.exec;

import dev.rkebackup.rke.config.S3BackupConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What to snapshot with {@code rke etcd snapshot-save}: the cluster.yml, the name, where to upload.
 *
 * <pre>{@code
 * SnapshotSaveRequest req = SnapshotSaveRequest.builder(Path.of("rancher-cluster.yml"))
 *         .name("before-upgrade")                 // default: RKE's rke_etcd_snapshot_<RFC 3339 time>
 *         .s3(s3Settings)                          // or .localOnly(); default: as cluster.yml says
 *         .build();
 * }</pre>
 * Uploads run against a private copy of the config that carries the S3 settings, so no key is on the command
 * line; {@link Builder#keysOnCommandLine(boolean)} switches to {@code --access-key/--secret-key} flags (visible to
 * every local user through {@code ps}) and is logged as a warning. Immutable and thread-safe.
 */
public final class SnapshotSaveRequest {
    /** Where the snapshot goes besides each etcd node's {@code /opt/rke/etcd-snapshots}. */
    public enum Upload {
        /** As the cluster.yml says: upload when it has {@code s3backupconfig} (what plain {@code rke} does). */
        CONFIG,
        /** Local only; S3 settings in the cluster.yml are left out of the run. */
        LOCAL_ONLY,
        /** Upload with settings given in code, replacing those of the cluster.yml for this run. */
        GIVEN
    }

    private final Path configFile;
    private final String name;
    private final Upload upload;
    private final S3BackupConfig s3;
    private final boolean keysOnCommandLine;
    private final boolean sshAgentAuth;
    private final boolean ignoreDockerVersion;
    private final Duration timeout;

    private SnapshotSaveRequest(Builder b) {
        this.configFile = b.configFile;
        this.name = b.name;
        this.upload = b.upload;
        this.s3 = b.s3;
        this.keysOnCommandLine = b.keysOnCommandLine;
        this.sshAgentAuth = b.sshAgentAuth;
        this.ignoreDockerVersion = b.ignoreDockerVersion;
        this.timeout = b.timeout;
    }

    /**
     * Starts a request for the given cluster.yml.
     *
     * @param configFile the cluster.yml ({@code <base>.rkestate} next to it is used when present)
     * @return a builder
     */
    public static Builder builder(Path configFile) {
        return new Builder(configFile);
    }

    /** @return the cluster.yml */
    public Path configFile() {
        return configFile;
    }

    /** @return the snapshot name, absent for RKE's default rule */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** @return the upload mode */
    public Upload upload() {
        return upload;
    }

    /** @return the S3 settings given in code ({@link Upload#GIVEN}) */
    public Optional<S3BackupConfig> s3() {
        return Optional.ofNullable(s3);
    }

    /** @return true when the caller opted in to passing keys as command-line flags */
    public boolean keysOnCommandLine() {
        return keysOnCommandLine;
    }

    /** @return true to pass {@code --ssh-agent-auth} */
    public boolean sshAgentAuth() {
        return sshAgentAuth;
    }

    /** @return true to pass {@code --ignore-docker-version} */
    public boolean ignoreDockerVersion() {
        return ignoreDockerVersion;
    }

    /** @return the timeout for this run, absent for the runner's default */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public String toString() {
        return "SnapshotSaveRequest[config=" + configFile + ", name=" + name + ", upload=" + upload
                + ", keysOnCommandLine=" + keysOnCommandLine + "]";
    }

    /** Builds a {@link SnapshotSaveRequest}. Not thread-safe. */
    public static final class Builder {
        private final Path configFile;
        private String name;
        private Upload upload = Upload.CONFIG;
        private S3BackupConfig s3;
        private boolean keysOnCommandLine;
        private boolean sshAgentAuth;
        private boolean ignoreDockerVersion;
        private Duration timeout;

        private Builder(Path configFile) {
            this.configFile = Objects.requireNonNull(configFile, "configFile");
        }

        /**
         * Sets the snapshot name.
         *
         * @param value a bare name (see {@link SnapshotNames#requireValid(String)})
         * @return this builder
         * @throws dev.rkebackup.core.InvalidInputException if the name is not a valid bare name
         */
        public Builder name(String value) {
            this.name = SnapshotNames.requireValid(value);
            return this;
        }

        /**
         * Uploads to S3 with these settings (they replace the cluster.yml's for this run).
         *
         * @param settings complete S3 settings; bucket and endpoint are required
         * @return this builder
         */
        public Builder s3(S3BackupConfig settings) {
            this.s3 = Objects.requireNonNull(settings, "settings");
            this.upload = Upload.GIVEN;
            return this;
        }

        /**
         * Takes a local snapshot only, even when the cluster.yml has S3 settings (they are left out of the
         * private copy RKE reads).
         *
         * @return this builder
         */
        public Builder localOnly() {
            this.s3 = null;
            this.upload = Upload.LOCAL_ONLY;
            return this;
        }

        /**
         * Opts in to passing the S3 settings, keys included, as command-line flags ({@code --s3 ...}). Every user
         * on this host can read them with {@code ps} while rke runs; a warning is logged. Default: false.
         *
         * @param value true to opt in
         * @return this builder
         */
        public Builder keysOnCommandLine(boolean value) {
            this.keysOnCommandLine = value;
            return this;
        }

        /**
         * Passes {@code --ssh-agent-auth}.
         *
         * @param value true to pass it
         * @return this builder
         */
        public Builder sshAgentAuth(boolean value) {
            this.sshAgentAuth = value;
            return this;
        }

        /**
         * Passes {@code --ignore-docker-version}.
         *
         * @param value true to pass it
         * @return this builder
         */
        public Builder ignoreDockerVersion(boolean value) {
            this.ignoreDockerVersion = value;
            return this;
        }

        /**
         * Sets the timeout of this run; {@code rke} is killed when it expires.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder timeout(Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + value);
            }
            this.timeout = value;
            return this;
        }

        /** @return the request */
        public SnapshotSaveRequest build() {
            return new SnapshotSaveRequest(this);
        }
    }
}
