package dev.rkebackup.rke.backup;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeSetInfo;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.EffectiveBackup;
import dev.rkebackup.rke.exec.RestoreRequest;
import dev.rkebackup.rke.exec.RkeBinary;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.WriteResult;
import dev.rkebackup.rke.snapshot.SnapshotCheck;
import dev.rkebackup.rke.snapshot.SnapshotLayout;
import dev.rkebackup.rke.snapshot.SnapshotVerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a cluster ready for {@code rke etcd snapshot-restore} from a stored backup set: verifies the set, puts the
 * <em>same</em> snapshot file on every etcd node in the snapshot directory (under a temporary name, renamed when
 * complete, mode 0600) and confirms its SHA-256 on each node, places the {@code pki.bundle.tar.gz} on the nodes
 * (RKE v0.1.x) and the cluster config and {@code .rkestate} next to the config file, and finally shows the exact
 * restore command. A different existing file is never replaced unless {@code force} is set. A dry run lists every
 * step and touches nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class RestorePreparation {
    private static final Logger LOG = LoggerFactory.getLogger(RestorePreparation.class);

    private final BackupRepository repository;
    private final String setId;
    private final ClusterConfig config;
    private final RkeVersion version;
    private final NodeConnector connector;
    private final String snapshotDirectory;
    private final boolean force;
    private final Path rkeExecutable;

    private RestorePreparation(Builder b) {
        this.repository = b.repository;
        this.setId = b.setId;
        this.config = b.config;
        this.version = b.version;
        this.connector = b.connector;
        this.snapshotDirectory = b.snapshotDirectory;
        this.force = b.force;
        this.rkeExecutable = b.rkeExecutable;
    }

    /**
     * Starts building a preparation.
     *
     * @param repository where the set is
     * @param setId the set to restore
     * @param config the cluster config to restore with, loaded from its file; its etcd nodes receive the snapshot
     * @param version the RKE version that will run the restore
     * @param connector how to reach the etcd nodes
     * @return a builder
     */
    public static Builder builder(BackupRepository repository, String setId, ClusterConfig config,
            RkeVersion version, NodeConnector connector) {
        return new Builder(repository, setId, config, version, connector);
    }

    /**
     * Lists every step without touching a node or a local file. The set is verified (read and hashed), so a
     * damaged set fails here as it would in {@link #execute()}.
     *
     * @return the plan, with {@link RestoreResult#dryRun()} true
     * @throws IntegrityException if the set does not verify
     */
    public RestoreResult dryRun() {
        Plan p = plan(repository.manifest(setId));
        requireIntact();
        return new RestoreResult(setId, p.snapshotName, p.snapshot.sha256(), true, p.steps, List.of(), List.of(),
                p.command);
    }

    /**
     * Runs the preparation.
     *
     * @return what was done, per node
     * @throws IntegrityException if the set does not verify
     * @throws InvalidInputException if a local file differs and {@code force} is not set
     * @throws BackupException if placing or confirming the snapshot failed on any node (the result is still
     *     reported through the exception message; nodes that were done keep their file)
     */
    public RestoreResult execute() {
        Manifest m = repository.manifest(setId);
        Plan p = plan(m);
        requireIntact();
        checkStructure(p);
        List<Path> local = new LocalPlacement(repository, m, config, force).place();
        List<NodeReport> reports;
        try (NodeSessions sessions = NodeSessions.open(connector, config.requireEtcdNodes())) {
            reports = sessions.inParallel(s -> placeOnNode(s, p, m));
        }
        RestoreResult result = new RestoreResult(setId, p.snapshotName, p.snapshot.sha256(), false, p.steps, reports,
                local, p.command);
        if (!result.ok()) {
            List<String> bad = reports.stream().filter(r -> r.status() != NodeReport.Status.OK
                    && r.status() != NodeReport.Status.UNCHANGED).map(r -> r.host() + ": " + r.detail()).toList();
            throw new RestoreNotReadyException(result, "the snapshot is not on every etcd node: "
                    + String.join("; ", bad) + ". Fix these nodes and run the preparation again (nodes that are"
                    + " done are left as they are; a different existing file is replaced only with --force)");
        }
        LOG.info("restore of set {} prepared on {} etcd nodes; next: {}", setId, reports.size(), p.command);
        return result;
    }

    private NodeReport placeOnNode(NodeSessions.Session s, Plan p, Manifest m) {
        String host = s.label();
        Optional<NodeAccess> access = s.accessIfConnected();
        if (access.isEmpty()) {
            return new NodeReport(host, NodeReport.Status.UNREACHABLE, s.failure().getMessage());
        }
        try {
            WriteResult.Outcome outcome = place(access.get(), p.snapshot, p.snapshotTarget, host);
            if (p.pkiBundle != null) {
                place(access.get(), p.pkiBundle, snapshotDirectory + "/" + PkiBundleCollector.FILE_NAME, host);
            }
            return new NodeReport(host, outcome == WriteResult.Outcome.UNCHANGED
                    ? NodeReport.Status.UNCHANGED : NodeReport.Status.OK,
                    p.snapshotTarget + " sha256 " + p.snapshot.sha256() + " confirmed");
        } catch (NodeAccessException e) {
            if (e.problem() == NodeAccessException.Problem.CONNECTION_LOST && stillAnswers(access.get())) {
                // a command that ends while its input is still being sent (sudo's cat on a full disk) looks like
                // a broken link to the SSH layer; the node still answering tells the two apart
                return new NodeReport(host, NodeReport.Status.FAILED, "the node stopped taking " + p.snapshotTarget
                        + " before the end while the SSH connection stayed up; the usual cause is a full disk (check"
                        + " the free space in " + snapshotDirectory + " on " + host + "), else a killed process."
                        + " Nothing was placed under the real name. Detail: " + e.getMessage());
            }
            if (e.problem() == NodeAccessException.Problem.NOT_FOUND) {
                return new NodeReport(host, NodeReport.Status.FAILED, e.getMessage() + ". Create the snapshot"
                        + " directory on the node (sudo mkdir -p " + snapshotDirectory + "; RKE creates it on etcd"
                        + " nodes it set up) or give the right one (--snapshot-dir), then run the preparation again");
            }
            NodeReport.Status st = e.problem() == NodeAccessException.Problem.UNREACHABLE
                    || e.problem() == NodeAccessException.Problem.CONNECTION_LOST
                    ? NodeReport.Status.UNREACHABLE : NodeReport.Status.FAILED;
            return new NodeReport(host, st, e.getMessage());
        } catch (IntegrityException e) {
            return new NodeReport(host, NodeReport.Status.FAILED, e.getMessage());
        }
    }

    private boolean stillAnswers(NodeAccess node) {
        try {
            node.stat(snapshotDirectory);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Re-runs the snapshot structure check (bbolt, SHA-256 trailer, RKE zip layout) on the bytes that will be placed
     * (decrypted, in an encrypted repository), before any node is touched.
     */
    private void checkStructure(Plan p) {
        SnapshotLayout layout = p.snapshot.path().endsWith(".zip") ? SnapshotLayout.RKE_ZIP : SnapshotLayout.PLAIN;
        SnapshotCheck check;
        try (InputStream in = repository.openArtifact(setId, p.snapshot.path())) {
            check = SnapshotVerifyingInputStream.check(in, layout, p.snapshotName);
        } catch (IOException e) {
            throw new IntegrityException("reading the snapshot " + p.snapshot.path() + " of set " + setId
                    + " for its structure check failed (" + e.getMessage() + "); no node was touched. Pick another"
                    + " set (rke-backup list / verify)");
        }
        if (!check.ok()) {
            throw new IntegrityException("the snapshot " + p.snapshot.path() + " of set " + setId + " fails the"
                    + " structure check (" + check.verdict() + ": " + check.detail() + "); it must not be restored"
                    + " and no node was touched. Pick another set (rke-backup list / verify)");
        }
    }

    private WriteResult.Outcome place(NodeAccess node, ArtifactEntry artifact, String target, String host) {
        WriteResult w;
        try (InputStream in = repository.openArtifact(setId, artifact.path())) {
            w = node.writeAtomically(target, in, artifact.size(), force);
        } catch (IOException e) {
            Optional<NodeAccessException> n = SnapshotCollector.causeOf(e);
            if (n.isPresent()) {
                throw n.get();
            }
            throw new IntegrityException("reading " + artifact.path() + " of set " + setId + " for " + host
                    + " failed: " + e.getMessage());
        }
        String confirmed = node.sha256(target);
        if (!confirmed.equals(artifact.sha256())) {
            throw new IntegrityException(target + " on " + host + " has SHA-256 " + confirmed + " but set " + setId
                    + " says " + artifact.sha256() + "; the node's copy is not the backed-up file");
        }
        return w.outcome();
    }

    private void requireIntact() {
        VerifyReport report = repository.verify(setId);
        if (!report.ok()) {
            String problems = report.problems().stream().map(c -> c.path() + ": " + c.status().id()
                    + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")")).collect(Collectors.joining("; "));
            throw new IntegrityException("backup set " + setId + " is damaged (" + problems
                    + "); it must not be restored. Pick another set (rke-backup list / verify)");
        }
    }

    private Plan plan(Manifest m) {
        List<ArtifactEntry> snaps = m.artifacts(RkeArtifacts.ETCD_SNAPSHOT);
        if (snaps.isEmpty()) {
            throw new IntegrityException("backup set " + setId + " holds no etcd snapshot; pick another set");
        }
        ArtifactEntry snapshot = snaps.get(0);
        String fileName = snapshot.path().substring(snapshot.path().lastIndexOf('/') + 1);
        String name = m.metadata().labels().getOrDefault(SetMetadata.LABEL_SNAPSHOT_NAME,
                fileName.endsWith(".zip") ? fileName.substring(0, fileName.length() - 4) : fileName);
        boolean zipped = fileName.endsWith(".zip");
        boolean rkeZips = version.has(RkeFeature.ZIPPED_SNAPSHOTS);
        if (zipped != rkeZips) {
            throw new InvalidInputException("set " + setId + " holds " + fileName + " but RKE " + version
                    + (rkeZips ? " expects <name>.zip" : " expects a plain snapshot file")
                    + "; restore with the RKE version the set was taken with (" + RkeSetInfo.of(m).rkeVersion() + ")");
        }
        RestoreGuide guide = RestoreGuide.of(version);
        ArtifactEntry pki = guide.needsPkiBundle() ? m.artifacts(RkeArtifacts.PKI_BUNDLE).stream().findFirst()
                .orElseThrow(() -> new IntegrityException("set " + setId + " has no pki.bundle.tar.gz, which RKE "
                        + version + " needs for a restore")) : null;
        boolean stateInZip = guide.stateMayComeFromSnapshot()
                && Boolean.parseBoolean(snapshot.attributes().getOrDefault("stateEntry", "false"));
        if (guide.needsStateFile() && m.artifacts(RkeArtifacts.RKESTATE).isEmpty() && !stateInZip) {
            throw new IntegrityException("set " + setId + " has " + (guide.stateMayComeFromSnapshot()
                    ? "neither a .rkestate file nor a snapshot that carries one" : "no .rkestate file (RKE " + version
                    + " does not read the state from the snapshot)") + "; RKE " + version
                    + " cannot restore without it. Pick a set that holds the state file");
        }
        Path configFile = config.sourcePath().orElseThrow(() -> new InvalidInputException(
                "the cluster config must be loaded from a file to prepare a restore"));
        String target = snapshotDirectory + "/" + fileName;
        String command = RkeRunner.builder(RkeBinary.assumed(rkeExecutable, version)).build()
                .restoreCommand(RestoreRequest.builder(configFile, name).build()).display();
        List<String> steps = new ArrayList<>();
        steps.add("verify backup set " + setId + " (" + m.artifacts().size() + " artifacts, size and SHA-256"
                + (repository.protection().encrypted() ? ", every authentication tag" : "") + ")");
        steps.add("check the structure of " + snapshot.path() + " (bbolt pages, SHA-256 trailer"
                + (zipped ? ", RKE zip layout" : "") + ") on the bytes to be placed, before any node is touched");
        for (ArtifactEntry a : m.artifacts()) {
            if (RkeArtifacts.CLUSTER_CONFIG.equals(a.kind())) {
                steps.add("place cluster config " + a.path() + " as " + configFile.toAbsolutePath()
                        + " (left alone if identical" + (force ? ", replaced otherwise, old copy kept as .bak)"
                        : ", refused if different)"));
            } else if (RkeArtifacts.RKESTATE.equals(a.kind())) {
                steps.add("place state file " + a.path() + " as " + config.stateFilePath().orElseThrow()
                        + (force ? " (replaced if different, old copy kept as .bak)" : " (refused if different)"));
            }
        }
        for (String node : NodeSessions.labels(config.requireEtcdNodes())) {
            steps.add("write " + snapshot.path() + " (" + snapshot.size() + " bytes) to " + node + ":" + target
                    + " under a temporary name, rename, confirm sha256 " + snapshot.sha256());
            if (pki != null) {
                steps.add("write pki.bundle.tar.gz to " + node + ":" + snapshotDirectory + "/"
                        + PkiBundleCollector.FILE_NAME);
            }
        }
        steps.add("then run: " + command);
        if (guide.snapshotOnEveryNode()) {
            steps.add("then run: rke up --config " + configFile.toAbsolutePath()
                    + " (RKE " + version + " restores the etcd plane only)");
        }
        return new Plan(snapshot, pki, name, target, command, steps);
    }

    /** The resolved inputs of one preparation. */
    private static final class Plan {
        final ArtifactEntry snapshot;
        final ArtifactEntry pkiBundle;
        final String snapshotName;
        final String snapshotTarget;
        final String command;
        final List<String> steps;

        Plan(ArtifactEntry snapshot, ArtifactEntry pkiBundle, String snapshotName, String snapshotTarget,
                String command, List<String> steps) {
            this.snapshot = snapshot;
            this.pkiBundle = pkiBundle;
            this.snapshotName = snapshotName;
            this.snapshotTarget = snapshotTarget;
            this.command = command;
            this.steps = steps;
        }
    }

    /** Builds a {@link RestorePreparation}. Not thread-safe. */
    public static final class Builder {
        private final BackupRepository repository;
        private final String setId;
        private final ClusterConfig config;
        private final RkeVersion version;
        private final NodeConnector connector;
        private String snapshotDirectory = EffectiveBackup.SNAPSHOT_DIRECTORY;
        private boolean force;
        private Path rkeExecutable = Path.of("rke");

        private Builder(BackupRepository repository, String setId, ClusterConfig config, RkeVersion version,
                NodeConnector connector) {
            this.repository = Objects.requireNonNull(repository, "repository");
            this.setId = Objects.requireNonNull(setId, "setId");
            this.config = Objects.requireNonNull(config, "config");
            this.version = Objects.requireNonNull(version, "version");
            this.connector = Objects.requireNonNull(connector, "connector");
        }

        /**
         * Sets the snapshot directory on the etcd nodes.
         *
         * @param directory an absolute path; {@code /opt/rke/etcd-snapshots} by default
         * @return this builder
         */
        public Builder snapshotDirectory(String directory) {
            if (!directory.startsWith("/")) {
                throw new InvalidInputException("snapshot directory must be an absolute path: " + directory);
            }
            this.snapshotDirectory = directory;
            return this;
        }

        /**
         * Allows replacing different existing files (on nodes and next to the config); off by default.
         *
         * @param value whether to replace
         * @return this builder
         */
        public Builder force(boolean value) {
            this.force = value;
            return this;
        }

        /**
         * Sets how the shown restore command names the {@code rke} executable ({@code rke} by default).
         *
         * @param path the executable's path
         * @return this builder
         */
        public Builder rkeExecutable(Path path) {
            this.rkeExecutable = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Builds the preparation.
         *
         * @return the preparation
         */
        public RestorePreparation build() {
            return new RestorePreparation(this);
        }
    }
}
