package dev.rkebackup.rke.exec;

import dev.rkebackup.rke.config.S3BackupConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code rke etcd snapshot-restore} should restore. The command runs against the cluster.yml itself (not a
 * copy): RKE rewrites {@code <base>.rkestate} and {@code kube_config_<file>} next to it.
 *
 * <p>The S3 source comes from the cluster.yml ({@code s3backupconfig}), or from {@link Builder#s3} as
 * {@code --s3} flags; flags carrying keys require {@link Builder#keysOnCommandLine(boolean)}. Immutable and
 * thread-safe.
 */
public final class RestoreRequest {
    private final Path configFile;
    private final String name;
    private final S3BackupConfig s3;
    private final boolean keysOnCommandLine;
    private final boolean useLocalState;
    private final Path certDir;
    private final boolean customCerts;
    private final boolean sshAgentAuth;
    private final boolean ignoreDockerVersion;
    private final Duration timeout;

    private RestoreRequest(Builder b) {
        this.configFile = b.configFile;
        this.name = b.name;
        this.s3 = b.s3;
        this.keysOnCommandLine = b.keysOnCommandLine;
        this.useLocalState = b.useLocalState;
        this.certDir = b.certDir;
        this.customCerts = b.customCerts;
        this.sshAgentAuth = b.sshAgentAuth;
        this.ignoreDockerVersion = b.ignoreDockerVersion;
        this.timeout = b.timeout;
    }

    /**
     * Starts a request.
     *
     * @param configFile the cluster.yml of the cluster to restore
     * @param snapshotName the bare snapshot name (without {@code .zip})
     * @return a builder
     * @throws dev.rkebackup.core.InvalidInputException if the name is not a valid bare name
     */
    public static Builder builder(Path configFile, String snapshotName) {
        return new Builder(configFile, snapshotName);
    }

    /** @return the cluster.yml */
    public Path configFile() {
        return configFile;
    }

    /** @return the bare snapshot name */
    public String name() {
        return name;
    }

    /** @return S3 settings to pass as {@code --s3} flags */
    public Optional<S3BackupConfig> s3() {
        return Optional.ofNullable(s3);
    }

    /** @return true when keys may be passed as flags */
    public boolean keysOnCommandLine() {
        return keysOnCommandLine;
    }

    /** @return true for {@code --use-local-state} (v1.1.5+) */
    public boolean useLocalState() {
        return useLocalState;
    }

    /** @return the {@code --cert-dir} (v1.1.5+) */
    public Optional<Path> certDir() {
        return Optional.ofNullable(certDir);
    }

    /** @return true for {@code --custom-certs} (v1.1.5+) */
    public boolean customCerts() {
        return customCerts;
    }

    /** @return true for {@code --ssh-agent-auth} */
    public boolean sshAgentAuth() {
        return sshAgentAuth;
    }

    /** @return true for {@code --ignore-docker-version} */
    public boolean ignoreDockerVersion() {
        return ignoreDockerVersion;
    }

    /** @return the timeout, absent for the runner's default */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** Builds a {@link RestoreRequest}. Not thread-safe. */
    public static final class Builder {
        private final Path configFile;
        private final String name;
        private S3BackupConfig s3;
        private boolean keysOnCommandLine;
        private boolean useLocalState;
        private Path certDir;
        private boolean customCerts;
        private boolean sshAgentAuth;
        private boolean ignoreDockerVersion;
        private Duration timeout;

        private Builder(Path configFile, String name) {
            this.configFile = Objects.requireNonNull(configFile, "configFile");
            this.name = SnapshotNames.requireValid(name);
        }

        /**
         * Restores from S3 with these settings, passed as {@code --s3} flags.
         *
         * @param settings complete S3 settings
         * @return this builder
         */
        public Builder s3(S3BackupConfig settings) {
            this.s3 = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Opts in to S3 keys on the command line (visible through {@code ps}); logged as a warning.
         *
         * @param value true to opt in
         * @return this builder
         */
        public Builder keysOnCommandLine(boolean value) {
            this.keysOnCommandLine = value;
            return this;
        }

        /**
         * Passes {@code --use-local-state}: take the state from the local {@code .rkestate}, not the snapshot.
         *
         * @param value true to pass it
         * @return this builder
         */
        public Builder useLocalState(boolean value) {
            this.useLocalState = value;
            return this;
        }

        /**
         * Passes {@code --cert-dir}.
         *
         * @param value the certificate directory
         * @return this builder
         */
        public Builder certDir(Path value) {
            this.certDir = Objects.requireNonNull(value, "certDir");
            return this;
        }

        /**
         * Passes {@code --custom-certs}.
         *
         * @param value true to pass it
         * @return this builder
         */
        public Builder customCerts(boolean value) {
            this.customCerts = value;
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
         * Sets the timeout of the restore run.
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
        public RestoreRequest build() {
            return new RestoreRequest(this);
        }
    }
}
