package dev.rkebackup.rke.backup;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeSetInfo;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.ConfigInspector;
import dev.rkebackup.rke.config.EffectiveBackup;
import dev.rkebackup.rke.config.RestoreArtifact;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.exec.SnapshotNames;
import dev.rkebackup.rke.exec.SnapshotResult;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole backup job for one RKE cluster: optionally take a one-time snapshot with {@code rke}, collect the
 * snapshot from the etcd nodes (checked while it streams, falling back to the next node when a copy is missing or
 * bad) together with everything a restore needs on that RKE version (cluster config, {@code .rkestate} from
 * v0.2.0 or {@code pki.bundle.tar.gz} before), commit the set only when it is complete, confirm it from the
 * store's own record (or by re-reading, see {@link Builder#readBack(boolean)}), and apply retention.
 *
 * <p>Immutable and thread-safe; one instance can run many times.
 *
 * <pre>{@code
 * RkeBackup job = RkeBackup.builder(config, version, repository,
 *         NodeConnector.ssh(SshEndpoints.fromConfig(config, SshOptions.defaults())))
 *     .retention(RetentionPolicy.keepLast(14))
 *     .build();
 * BackupResult r = job.collect("nightly-2026-11-26");
 * }</pre>
 */
public final class RkeBackup {
    private static final Logger LOG = LoggerFactory.getLogger(RkeBackup.class);

    private final ClusterConfig config;
    private final RkeVersion version;
    private final BackupRepository repository;
    private final NodeConnector connector;
    private final String snapshotDirectory;
    private final CollectionStrategy strategy;
    private final boolean includeKubeconfig;
    private final boolean allowIncomplete;
    private final RetentionPolicy retention;
    private final boolean readBack;

    private RkeBackup(Builder b) {
        this.readBack = b.readBack;
        this.config = b.config;
        this.version = b.version;
        this.repository = b.repository;
        this.connector = b.connector;
        this.snapshotDirectory = b.snapshotDirectory;
        this.strategy = b.strategy;
        this.includeKubeconfig = b.includeKubeconfig;
        this.allowIncomplete = b.allowIncomplete;
        this.retention = b.retention;
    }

    /**
     * Starts building a job.
     *
     * @param config the cluster config, loaded from its file (the file itself is backed up)
     * @param version the RKE version that takes and restores the snapshots
     * @param repository where the set goes
     * @param connector how to reach the etcd nodes
     * @return a builder
     */
    public static Builder builder(ClusterConfig config, RkeVersion version, BackupRepository repository,
            NodeConnector connector) {
        return new Builder(config, version, repository, connector);
    }

    /**
     * Collects an existing snapshot and everything a restore needs into a new set.
     *
     * @param snapshotName the bare snapshot name as given to {@code rke etcd snapshot-save --name}
     * @return what was stored
     * @throws InvalidInputException if the name is not a bare snapshot name or the config lacks etcd nodes
     * @throws IncompleteBackupException if something a restore needs is missing (and incomplete sets are not
     *     allowed); nothing is stored then
     * @throws BackupException if the store fails
     */
    public BackupResult collect(String snapshotName) {
        return run(snapshotName, null);
    }

    /**
     * Takes a one-time snapshot with {@code rke etcd snapshot-save}, then collects it. A snapshot that failed on
     * every host ends the job with a {@link BackupException}; a partial failure is collected from the hosts that
     * have it and noted in the manifest.
     *
     * @param runner the {@code rke} runner
     * @param request the snapshot request (its config file should be the one this job backs up)
     * @return what was stored, with the snapshot result
     * @throws SnapshotFailedException if the snapshot failed on every host; nothing is stored then
     * @throws BackupException if no etcd node can be reached or read (checked before rke runs)
     * @throws BackupException as {@link #collect(String)}
     */
    public BackupResult snapshotAndCollect(RkeRunner runner, SnapshotSaveRequest request) {
        // the cheap part of `check` first: a missing SSH key or an unreachable cluster fails before rke runs
        ClusterCheck.requireSomeNode(ClusterCheck.nodes(config, connector, snapshotDirectory));
        SnapshotResult snap = runner.snapshotSave(request);
        if (!snap.isSuccess() && snap.expectedFiles().isEmpty()) {
            throw new SnapshotFailedException("rke etcd snapshot-save " + snap.snapshotName() + " failed ("
                    + snap.status() + "): " + snap.failureMessage().orElse("see the rke output")
                    + "; nothing was collected. Fix the cause shown by rke and run the backup again", snap);
        }
        if (!snap.isSuccess()) {
            LOG.warn("snapshot {} ended with {}; collecting from the hosts that have it", snap.snapshotName(),
                    snap.status());
        }
        return run(snap.snapshotName(), snap);
    }

    private BackupResult run(String snapshotName, SnapshotResult snap) {
        SnapshotNames.requireValid(snapshotName);
        if (!version.has(RkeFeature.SNAPSHOTS)) {
            throw new InvalidInputException("RKE " + version + " cannot take etcd snapshots (added in "
                    + RkeFeature.SNAPSHOTS.since() + ");"
                    + " upgrade RKE first");
        }
        Path configFile = config.sourcePath().orElseThrow(() -> new InvalidInputException(
                "the cluster config was not loaded from a file, so it cannot be backed up; load it with"
                        + " ClusterConfig.load(path)"));
        EffectiveBackup effective = ConfigInspector.effective(config, version);
        SetMetadata meta = RkeSetInfo.of(version, config.configGeneration())
                .applyTo(SetMetadata.of(config.clusterName()))
                .withLabel(SetMetadata.LABEL_SNAPSHOT_NAME, snapshotName);
        Manifest manifest;
        java.util.Map<String, dev.rkebackup.core.storage.StoreConfirmation> confirmations;
        List<NodeReport> nodeReports;
        try (BackupSetWriter w = repository.newSet(meta);
             NodeSessions sessions = NodeSessions.open(connector, config.requireEtcdNodes())) {
            List<String> missing = new ArrayList<>();
            SnapshotCollector.Outcome snapshots = new SnapshotCollector(w, sessions, version, snapshotDirectory,
                    snapshotName).collect(strategy);
            nodeReports = snapshots.reports();
            if (snapshots.stored().isEmpty()) {
                missing.add("etcd snapshot " + version.snapshotFileName(snapshotName) + " (looked in "
                        + snapshotDirectory + " on " + describe(snapshots.reports()) + ")");
            } else {
                // the set stays durable evidence of which node's copy was bad or could not be read
                snapshots.reports().stream().filter(r -> r.status() != NodeReport.Status.OK
                        && r.status() != NodeReport.Status.NOT_NEEDED).forEach(r -> w.note("snapshot copy on "
                        + r.host() + " not stored: " + r.status().id() + " - " + r.detail()));
            }
            if (snap != null && !snap.isSuccess()) {
                w.note("rke snapshot-save ended with " + snap.status() + ": "
                        + snap.failureMessage().orElse("see the rke output"));
            }
            addLocal(w, configFile, configFile.getFileName().toString(), RkeArtifacts.CLUSTER_CONFIG, true,
                    missing, "cluster config");
            if (effective.restoreArtifacts().contains(RestoreArtifact.STATE_FILE)) {
                Path state = config.stateFilePath().orElseThrow();
                // only from v1.1.5 does snapshot-restore read the state from the zip; before, the local file is
                // required whatever the zip holds (rke-facts 5.1)
                boolean inSnapshot = snapshots.stateInSnapshot() && RestoreGuide.of(version).stateMayComeFromSnapshot();
                boolean stored = addLocal(w, state, state.getFileName().toString(), RkeArtifacts.RKESTATE,
                        !inSnapshot, missing, "cluster state file");
                if (!stored && inSnapshot) {
                    w.note("local state file " + state + " is missing; the snapshot zip carries the state"
                            + " (RKE " + version + " restores from it)");
                }
                if (stored && version.has(RkeFeature.STATE_IN_SNAPSHOT) && !inSnapshot
                        && !snapshots.stored().isEmpty()) {
                    w.note("the snapshot zip has no /etc/kubernetes/" + snapshotName + ".rkestate entry"
                            + (version.recurringSnapshotsLackState() ? " (known for this RKE version, rancher#48253)"
                            : "") + "; the local state file " + state + " was stored instead");
                }
            }
            if (effective.restoreArtifacts().contains(RestoreArtifact.PKI_BUNDLE)) {
                if (!new PkiBundleCollector(w, sessions, snapshotDirectory).collect()) {
                    missing.add("pki.bundle.tar.gz (looked in " + snapshotDirectory + " on every etcd node)");
                }
            }
            if (includeKubeconfig) {
                config.kubeconfigPath().ifPresent(k -> addLocal(w, k, k.getFileName().toString(),
                        RkeArtifacts.KUBECONFIG, false, missing, "kubeconfig"));
            }
            if (!missing.isEmpty()) {
                if (!allowIncomplete) {
                    throw new IncompleteBackupException(missing);
                }
                manifest = w.commitIncomplete(missing.stream().map(m -> "missing: " + m).toList());
            } else {
                manifest = w.commit();
            }
            confirmations = w.confirmations();
        }
        // the store's own record confirms what it can without a download; the rest (and everything with
        // readBack) is read back and hashed
        VerifyReport report = readBack ? repository.verify(manifest.setId())
                : repository.confirm(manifest, confirmations);
        List<String> pruned = List.of();
        if (retention != null && report.ok()) {
            pruned = repository.applyRetention(repository.planRetention(retention));
        } else if (retention != null) {
            LOG.warn("not applying retention: the new set {} did not verify", manifest.setId());
        }
        LOG.info("backup of cluster {} stored as set {} ({} artifacts, complete={}, verified={})",
                config.clusterName(), manifest.setId(), manifest.artifacts().size(), manifest.complete(),
                report.ok());
        return new BackupResult(manifest, report, nodeReports, pruned, snap);
    }

    private static boolean addLocal(BackupSetWriter w, Path file, String artifactPath, ArtifactKind kind,
            boolean required, List<String> missing, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            w.add(artifactPath, kind, ArtifactSource.local(file.toAbsolutePath().toString()), in, Files.size(file));
            return true;
        } catch (NoSuchFileException e) {
            if (required) {
                missing.add(what + " " + file.toAbsolutePath() + " (no such file)");
            }
            return false;
        } catch (IOException e) {
            if (required) {
                missing.add(what + " " + file.toAbsolutePath() + " (cannot read: " + e.getMessage() + ")");
            }
            return false;
        }
    }

    private static String describe(List<NodeReport> reports) {
        List<String> parts = new ArrayList<>();
        for (NodeReport r : reports) {
            parts.add(r.host() + ": " + r.status().id() + (r.detail().isEmpty() ? "" : " - " + r.detail()));
        }
        return String.join(", ", parts);
    }

    /** Builds an {@link RkeBackup}. Not thread-safe. */
    public static final class Builder {
        private final ClusterConfig config;
        private final RkeVersion version;
        private final BackupRepository repository;
        private final NodeConnector connector;
        private String snapshotDirectory = EffectiveBackup.SNAPSHOT_DIRECTORY;
        private CollectionStrategy strategy = CollectionStrategy.FIRST_INTACT;
        private boolean includeKubeconfig;
        private boolean allowIncomplete;
        private RetentionPolicy retention;
        private boolean readBack;

        private Builder(ClusterConfig config, RkeVersion version, BackupRepository repository,
                NodeConnector connector) {
            this.config = Objects.requireNonNull(config, "config");
            this.version = Objects.requireNonNull(version, "version");
            this.repository = Objects.requireNonNull(repository, "repository");
            this.connector = Objects.requireNonNull(connector, "connector");
        }

        /**
         * Sets the snapshot directory on the etcd nodes.
         *
         * @param directory an absolute path; {@code /opt/rke/etcd-snapshots} by default
         * @return this builder
         */
        public Builder snapshotDirectory(String directory) {
            Objects.requireNonNull(directory, "directory");
            if (!directory.startsWith("/")) {
                throw new InvalidInputException("snapshot directory must be an absolute path: " + directory);
            }
            this.snapshotDirectory = directory.length() > 1 && directory.endsWith("/")
                    ? directory.substring(0, directory.length() - 1) : directory;
            return this;
        }

        /**
         * Sets which nodes' copies are stored.
         *
         * @param value {@link CollectionStrategy#FIRST_INTACT} by default
         * @return this builder
         */
        public Builder strategy(CollectionStrategy value) {
            this.strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        /**
         * Also stores {@code kube_config_<config>} (off by default: it holds admin credentials).
         *
         * @param value whether to include it
         * @return this builder
         */
        public Builder includeKubeconfig(boolean value) {
            this.includeKubeconfig = value;
            return this;
        }

        /**
         * Stores a set that lacks something a restore needs, marked incomplete, instead of failing.
         *
         * @param value whether to allow it (off by default)
         * @return this builder
         */
        public Builder allowIncomplete(boolean value) {
            this.allowIncomplete = value;
            return this;
        }

        /**
         * Applies retention after a successful, verified run.
         *
         * @param policy the rules; must have at least one rule
         * @return this builder
         */
        public Builder retention(RetentionPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            if (policy.isEmpty()) {
                throw new InvalidInputException("a retention policy needs at least one keep rule");
            }
            this.retention = policy;
            return this;
        }

        /**
         * Checks the new set by downloading and hashing every artifact, instead of confirming each from the store's
         * own record (its checksum or ETag of what it received, a synced file's size) where the store can. Off by
         * default; artifacts the store cannot confirm are read back either way.
         *
         * @param value whether to read everything back
         * @return this builder
         */
        public Builder readBack(boolean value) {
            this.readBack = value;
            return this;
        }

        /**
         * Builds the job.
         *
         * @return the job
         */
        public RkeBackup build() {
            return new RkeBackup(this);
        }
    }
}
