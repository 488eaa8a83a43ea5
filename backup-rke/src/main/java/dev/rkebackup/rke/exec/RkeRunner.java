package dev.rkebackup.rke.exec;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.BackupConfig;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.ConfigEditor;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.exec.internal.ChildEnvironment;
import dev.rkebackup.rke.exec.internal.OutputPipeline;
import dev.rkebackup.rke.exec.internal.ProcessRunner;
import dev.rkebackup.rke.exec.internal.Redactor;
import dev.rkebackup.rke.exec.internal.S3Settings;
import dev.rkebackup.rke.exec.internal.VersionGate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code rke} safely: one-time etcd snapshots (local or S3), {@code rke up} for recurring snapshots, and
 * {@code rke etcd snapshot-restore} (built and shown first, run only by a separate explicit call).
 *
 * <pre>{@code
 * RkeRunner rke = RkeRunner.builder(RkeBinary.onPath())
 *         .timeout(Duration.ofMinutes(30))
 *         .listener(line -> progress.accept(line.message()))
 *         .build();
 * SnapshotResult r = rke.snapshotSave(SnapshotSaveRequest.builder(clusterYml).name("nightly").build());
 * if (!r.isSuccess()) { ... r.status(), r.failedHosts(), r.expectedFiles() ... }
 * }</pre>
 *
 * <p>Every run has a timeout; on timeout or interruption of the calling thread {@code rke} is killed, the output so
 * far is kept (redacted) and temporary files are removed. Commands are argument lists, never shell strings. S3 keys
 * stay off the command line unless the caller opts in. Output lines are redacted, logged under the slf4j logger
 * {@value OutputPipeline#OUTPUT_LOGGER} and handed to the {@link RkeOutputListener}.
 *
 * <p>Immutable and thread-safe: several runs may go on at once (each in its own private directory).
 */
public final class RkeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RkeRunner.class);
    private static final String UP_SUCCESS = "Finished building Kubernetes cluster successfully";

    private final RkeBinary binary;
    private final Duration timeout;
    private final RkeOutputListener listener;
    private final Path workDirectory;
    private final Clock clock;
    private final Map<String, String> environment;

    private RkeRunner(Builder b) {
        this.binary = b.binary;
        this.timeout = b.timeout;
        this.listener = b.listener;
        this.workDirectory = b.workDirectory;
        this.clock = b.clock;
        // only what rke needs; no credential, no RKE_CONFIG (--config is always passed)
        this.environment = ChildEnvironment.filter(System.getenv());
    }

    /**
     * Starts configuring a runner.
     *
     * @param binary the identified rke binary
     * @return a builder (timeout 60 min, no listener, work directory {@code java.io.tmpdir}, system clock)
     */
    public static Builder builder(RkeBinary binary) {
        return new Builder(binary);
    }

    /**
     * Takes a one-time etcd snapshot on every etcd node ({@code rke etcd snapshot-save}), uploading it to S3 when
     * asked. The run uses a private copy of the cluster.yml (0700 directory, 0600 files, {@code .rkestate} and
     * {@code kube_config_*} next to it) that is deleted afterwards, also on failure and timeout.
     *
     * @param request what to save
     * @return the outcome; check {@link SnapshotResult#status()} — a non-success status is not an exception
     * @throws InvalidInputException if the config, name or S3 settings are unusable, or the rke version lacks a
     *     setting that was asked for (nothing ran)
     * @throws dev.rkebackup.core.CommandException if rke could not be started
     * @throws dev.rkebackup.core.BackupException if the private config copy cannot be written
     */
    public SnapshotResult snapshotSave(SnapshotSaveRequest request) {
        return new SnapshotSaver(this).save(Objects.requireNonNull(request, "request"));
    }

    /**
     * Builds the {@code rke etcd snapshot-restore} command without running it, so it can be shown and confirmed.
     * Run it with {@link #restore(RkeCommand)}.
     *
     * @param request what to restore
     * @return the command; {@link RkeCommand#display()} shows it with keys redacted
     * @throws InvalidInputException if the config is unusable, a flag needs a newer rke, S3 keys would go on the
     *     command line without opt-in, or a custom CA is given in code (put it into cluster.yml instead)
     */
    public RkeCommand restoreCommand(RestoreRequest request) {
        RkeVersion v = binary.version();
        Path config = request.configFile().toAbsolutePath();
        ClusterConfig cfg = ClusterConfig.load(config);
        cfg.requireEtcdNodes();
        VersionGate.require(RkeFeature.SNAPSHOTS, "rke etcd snapshot-restore",
                "older versions cannot restore snapshots", v, binary.path());
        List<String> argv = new ArrayList<>(List.of(binary.path().toString(), "etcd", "snapshot-restore",
                "--config", config.toString(), "--name", request.name()));
        if (request.useLocalState()) {
            VersionGate.require(RkeFeature.STATE_IN_SNAPSHOT, "--use-local-state",
                    "older versions have no such flag", v, binary.path());
            argv.add("--use-local-state");
        }
        if (request.certDir().isPresent()) {
            VersionGate.require(RkeFeature.STATE_IN_SNAPSHOT, "--cert-dir for snapshot-restore",
                    "older versions have no such flag", v, binary.path());
            argv.addAll(List.of("--cert-dir", request.certDir().get().toAbsolutePath().toString()));
        }
        if (request.customCerts()) {
            VersionGate.require(RkeFeature.STATE_IN_SNAPSHOT, "--custom-certs for snapshot-restore",
                    "older versions have no such flag", v, binary.path());
            argv.add("--custom-certs");
        }
        if (request.sshAgentAuth()) {
            argv.add("--ssh-agent-auth");
        }
        if (request.ignoreDockerVersion()) {
            argv.add("--ignore-docker-version");
        }
        List<Secret> secrets = new ArrayList<>();
        Optional<S3BackupConfig> fileS3 = cfg.etcd().backupConfig().flatMap(BackupConfig::s3);
        fileS3.ifPresent(s -> {
            S3Settings.check(s, v, binary.path());
            secrets.addAll(S3Settings.secrets(s));
        });
        if (request.s3().isPresent()) {
            S3BackupConfig s3 = request.s3().get();
            S3Settings.check(s3, v, binary.path());
            if (s3.customCa().isPresent()) {
                throw new InvalidInputException("A custom S3 CA given in code cannot be passed to snapshot-restore "
                        + "(it needs a file that outlives this call). Put custom_ca into " + config
                        + " with ConfigEditor.withS3(...) and leave the S3 settings out of the restore request.");
            }
            if (S3Settings.hasKeys(s3) && !request.keysOnCommandLine()) {
                throw new InvalidInputException("Restoring from S3 with keys given in code would put the keys on the "
                        + "rke command line, visible to every local user. RKE reads S3 keys only from flags or from "
                        + "cluster.yml: write them into " + config + " with ConfigEditor.withS3(...) and leave the S3 "
                        + "settings out of the request, or opt in with keysOnCommandLine(true).");
            }
            secrets.addAll(S3Settings.secrets(s3));
            argv.addAll(S3Settings.toFlags(s3.endpoint().isPresent() ? s3
                    : s3.toBuilder().endpoint(S3Settings.DEFAULT_ENDPOINT).build(), null));
        }
        cfg.nodes().forEach(n -> n.sshKey().ifPresent(secrets::add));
        return new RkeCommand(RkeCommand.Kind.SNAPSHOT_RESTORE, argv, config.getParent(), config,
                "Finished restoring snapshot [" + request.name() + "] on all etcd hosts", secrets);
    }

    /**
     * Runs a restore command built by {@link #restoreCommand(RestoreRequest)}. This stops etcd, wipes every node
     * and rebuilds the cluster from the snapshot.
     *
     * @param restoreCommand the command, as built and shown
     * @param runTimeout the timeout of the run
     * @return the outcome ({@link RkeRunResult#confirmed()}: {@code Finished restoring snapshot [...]} printed)
     * @throws IllegalArgumentException if the command is not a restore command
     * @throws dev.rkebackup.core.CommandException if rke could not be started
     */
    public RkeRunResult restore(RkeCommand restoreCommand, Duration runTimeout) {
        if (restoreCommand.kind() != RkeCommand.Kind.SNAPSHOT_RESTORE) {
            throw new IllegalArgumentException("not a snapshot-restore command: " + restoreCommand.display());
        }
        warnIfKeysOnCommandLine(restoreCommand);
        LOG.warn("Running {}: this stops etcd, wipes all nodes and rebuilds the cluster from the snapshot",
                restoreCommand.display());
        return run(restoreCommand, runTimeout);
    }

    /**
     * Runs a restore command with the runner's timeout.
     *
     * @param restoreCommand the command, as built and shown
     * @return the outcome
     * @throws IllegalArgumentException if the command is not a restore command
     */
    public RkeRunResult restore(RkeCommand restoreCommand) {
        return restore(restoreCommand, timeout);
    }

    /**
     * Runs {@code rke up --config <file>} on the file itself (RKE writes {@code .rkestate} and the kubeconfig next
     * to it). {@code rke up} (re)creates the {@code etcd-rolling-snapshots} container from the file's settings.
     *
     * @param configFile the cluster.yml
     * @return the outcome; {@link RkeRunResult#confirmed()} tells whether
     *     {@code Finished building Kubernetes cluster successfully} was printed
     * @throws InvalidInputException if the config is unusable
     */
    public RkeRunResult up(Path configFile) {
        Path config = configFile.toAbsolutePath();
        ClusterConfig cfg = ClusterConfig.load(config);
        List<Secret> secrets = new ArrayList<>();
        cfg.etcd().backupConfig().flatMap(BackupConfig::s3).ifPresent(s -> secrets.addAll(S3Settings.secrets(s)));
        cfg.nodes().forEach(n -> n.sshKey().ifPresent(secrets::add));
        RkeCommand cmd = new RkeCommand(RkeCommand.Kind.UP, List.of(binary.path().toString(), "up", "--config",
                config.toString()), config.getParent(), config, UP_SUCCESS, secrets);
        return run(cmd, timeout);
    }

    /**
     * Switches on recurring snapshots (the source document's option A) in one call: edits the cluster.yml with
     * {@link ConfigEditor#enableRecurringSnapshots(RkeVersion)} for this rke version (keeping a {@code .bak}
     * copy when anything changed), then runs {@code rke up}.
     *
     * @param configFile the cluster.yml
     * @return the edit and the {@code rke up} outcome
     */
    public RecurringSnapshotsResult applyRecurringSnapshots(Path configFile) {
        return applyRecurringSnapshots(configFile, e -> e.enableRecurringSnapshots(binary.version()));
    }

    /**
     * Applies caller-chosen edits (e.g. {@code e -> e.migrateToBackupConfig(v).enableRecurringSnapshots(v)
     * .withS3(s3)}) to the cluster.yml, writes them (keeping a {@code .bak} copy), then runs {@code rke up}.
     *
     * @param configFile the cluster.yml
     * @param edits the edits to apply to the loaded config
     * @return the edit and the {@code rke up} outcome
     * @throws InvalidInputException if the config or an edit is unusable (the file is then unchanged)
     */
    public RecurringSnapshotsResult applyRecurringSnapshots(Path configFile, UnaryOperator<ConfigEditor> edits) {
        Path config = configFile.toAbsolutePath();
        VersionGate.require(RkeFeature.SNAPSHOTS, "Recurring etcd snapshots",
                "older versions cannot take snapshots", binary.version(), binary.path());
        ConfigEditor editor = edits.apply(ConfigEditor.of(ClusterConfig.load(config)));
        Path backup = null;
        if (editor.isChanged()) {
            backup = editor.apply();
            LOG.info("Wrote recurring snapshot settings into {} (previous version: {})", config, backup);
        } else {
            LOG.info("{} already has the requested recurring snapshot settings", config);
        }
        RkeRunResult up = up(config);
        if (!up.confirmed()) {
            LOG.warn("rke up did not confirm \"{}\" for {}: recurring snapshots may not be active", UP_SUCCESS,
                    config);
        }
        return new RecurringSnapshotsResult(up, editor.isChanged(), editor.diff(), backup);
    }

    RkeRunResult run(RkeCommand cmd, Duration runTimeout) {
        AtomicReference<String> fatal = new AtomicReference<>();
        OutputPipeline pipeline = new OutputPipeline(Redactor.of(cmd.secrets()), listener, line -> {
            if (line.level() == RkeLogLevel.FATAL) {
                fatal.compareAndSet(null, line.message());
            }
        });
        ProcessRunner.Execution ex = execute(cmd, runTimeout, pipeline);
        List<RkeOutputLine> lines = pipeline.lines();
        boolean confirmed = lines.stream().anyMatch(l -> l.level() == RkeLogLevel.INFO
                && l.message().equals(cmd.successMessage()));
        RkeRunResult.Status status;
        if (ex.cancelled()) {
            status = RkeRunResult.Status.CANCELLED;
        } else if (ex.timedOut()) {
            status = RkeRunResult.Status.TIMED_OUT;
        } else if (ex.exitCode() != 0) {
            status = RkeRunResult.Status.FAILED;
        } else {
            status = confirmed ? RkeRunResult.Status.SUCCESS : RkeRunResult.Status.UNCONFIRMED;
        }
        LOG.info("{} ended with {} (exit code {}) after {} s", cmd.kind(), status, ex.exitCode(),
                ex.elapsed().toSeconds());
        String failure = ex.timedOut() ? SnapshotSaver.timedOut(runTimeout) : fatal.get();
        return new RkeRunResult(status, confirmed, ex.exitCode(), failure, ex.elapsed(), cmd, lines);
    }

    ProcessRunner.Execution execute(RkeCommand cmd, Duration runTimeout, OutputPipeline pipeline) {
        LOG.debug("Running {} in {}", cmd.display(), cmd.workingDirectory());
        try {
            return ProcessRunner.run(cmd.arguments(), cmd.workingDirectory(), environment, runTimeout, pipeline);
        } catch (ProcessRunner.StartException e) {
            throw SnapshotSaver.startFailure(cmd, e);
        }
    }

    private static void warnIfKeysOnCommandLine(RkeCommand cmd) {
        if (cmd.redactedArguments().contains("--secret-key") || cmd.redactedArguments().contains("--access-key")) {
            LOG.warn("The S3 keys are on the rke command line, as requested: every user on this host can read them "
                    + "with ps while rke runs");
        }
    }

    /** @return the rke binary this runner uses */
    public RkeBinary binary() {
        return binary;
    }

    Duration defaultTimeout() {
        return timeout;
    }

    RkeOutputListener listener() {
        return listener;
    }

    Path workDirectory() {
        return workDirectory;
    }

    Clock clock() {
        return clock;
    }

    /** Configures a {@link RkeRunner}. Not thread-safe. */
    public static final class Builder {
        private final RkeBinary binary;
        private Duration timeout = Duration.ofMinutes(60);
        private RkeOutputListener listener = RkeOutputListener.NONE;
        private Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private Clock clock = Clock.systemDefaultZone();

        private Builder(RkeBinary binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
        }

        /**
         * Sets the default timeout of every run (a request may set its own).
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

        /**
         * Sets the listener that receives every (redacted) output line.
         *
         * @param value the listener
         * @return this builder
         */
        public Builder listener(RkeOutputListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /**
         * Sets where private config copies are created (a local POSIX directory; default {@code java.io.tmpdir}).
         *
         * @param value an existing directory
         * @return this builder
         */
        public Builder workDirectory(Path value) {
            this.workDirectory = Objects.requireNonNull(value, "workDirectory");
            return this;
        }

        /**
         * Sets the clock for RKE's default snapshot names (its zone should be this host's local zone, as RKE uses).
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** @return the runner */
        public RkeRunner build() {
            return new RkeRunner(this);
        }
    }
}
