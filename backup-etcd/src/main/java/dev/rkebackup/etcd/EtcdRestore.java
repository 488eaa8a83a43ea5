package dev.rkebackup.etcd;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.rke.backup.NodeConnector;
import dev.rkebackup.rke.backup.RestorePreparation;
import dev.rkebackup.rke.backup.RestoreResult;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RestoreRequest;
import dev.rkebackup.rke.exec.RkeCommand;
import dev.rkebackup.rke.exec.RkeRunResult;
import dev.rkebackup.rke.exec.RkeRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a restore to the end: the checks and placement of {@code prepare-restore} (verify the set, the same snapshot
 * on every etcd node with its SHA-256 confirmed, cluster config and {@code .rkestate} next to each other), then
 * {@code rke etcd snapshot-restore} with the arguments the RKE version needs, then a health check through the etcd
 * API with the restored cluster's certificates: every member answers, exactly one leader, revision not below the
 * snapshot's. A failure at any step stops the run; the report says what was done and what to do next.
 *
 * <p>Immutable and thread-safe.
 */
public final class EtcdRestore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdRestore.class);

    private final BackupRepository repository;
    private final String setId;
    private final ClusterConfig config;
    private final RkeRunner runner;
    private final NodeConnector connector;
    private final EtcdTargets targets;
    private final UnaryOperator<RestorePreparation.Builder> preparation;
    private final UnaryOperator<RestoreRequest.Builder> request;
    private final Duration healthTimeout;

    private EtcdRestore(Builder b) {
        this.repository = b.repository;
        this.setId = b.setId;
        this.config = b.config;
        this.runner = b.runner;
        this.connector = b.connector;
        this.targets = b.targets;
        this.preparation = b.preparation;
        this.request = b.request;
        this.healthTimeout = b.healthTimeout;
    }

    /**
     * Starts building a restore.
     *
     * @param repository where the set is
     * @param setId the set to restore
     * @param config the cluster config to restore with, loaded from its file
     * @param runner the {@code rke} runner (its binary's version decides the arguments)
     * @param connector how to reach the etcd nodes to place the snapshot
     * @return a builder
     */
    public static Builder builder(BackupRepository repository, String setId, ClusterConfig config, RkeRunner runner,
            NodeConnector connector) {
        return new Builder(repository, setId, config, runner, connector);
    }

    /**
     * Lists every step and runs the checks that touch nothing: the set verifies, the snapshot suits the RKE version,
     * the restore command can be built.
     *
     * @return the plan
     */
    public RestoreRunReport dryRun() {
        List<RestoreRunReport.Step> steps = new ArrayList<>();
        VerifyReport v = repository.verify(setId);
        steps.add(new RestoreRunReport.Step("verify", v.ok() ? RestoreRunReport.Outcome.DONE
                : RestoreRunReport.Outcome.FAILED, v.ok() ? "set " + setId + " verified (" + v.checks().size()
                + " artifacts, size and SHA-256)" : "set " + setId + " is damaged: " + v.problems()));
        try {
            RestoreResult plan = prep().dryRun();
            plan.steps().stream().skip(1).forEach(s -> steps.add(new RestoreRunReport.Step("prepare",
                    RestoreRunReport.Outcome.PLANNED, s)));
            RkeCommand cmd = command(plan.snapshotName());
            steps.add(new RestoreRunReport.Step("rke", RestoreRunReport.Outcome.PLANNED, "run " + cmd.display()
                    + " (stops etcd, wipes the nodes, rebuilds the cluster: downtime)"));
        } catch (BackupException e) {
            steps.add(new RestoreRunReport.Step("prepare", RestoreRunReport.Outcome.FAILED, e.getMessage()));
        }
        steps.add(new RestoreRunReport.Step("health", RestoreRunReport.Outcome.PLANNED, "check through the etcd"
                + " API with the restored .rkestate: every member answers, one leader, revision not below the"
                + " snapshot's"));
        RestoreRunReport r = new RestoreRunReport(setId, true, steps, List.of(), "");
        return r.ok() ? r : new RestoreRunReport(setId, true, steps, List.of(),
                "fix the failed check; nothing was touched");
    }

    /**
     * Runs the restore. Never throws for a step that fails: the report says where it stopped.
     *
     * @return the report
     */
    public RestoreRunReport execute() {
        List<RestoreRunReport.Step> steps = new ArrayList<>();
        Manifest m;
        RestoreResult placed;
        try {
            m = repository.manifest(setId);
            placed = prep().execute();
        } catch (BackupException e) {
            steps.add(new RestoreRunReport.Step("prepare", RestoreRunReport.Outcome.FAILED, e.getMessage()));
            return new RestoreRunReport(setId, false, steps, List.of(), "nothing was restored; fix the cause and"
                    + " run the restore again (rke-backup restore --dry-run shows the plan)");
        }
        steps.add(new RestoreRunReport.Step("verify", RestoreRunReport.Outcome.DONE, "set " + setId + " verified"));
        steps.add(new RestoreRunReport.Step("prepare", RestoreRunReport.Outcome.DONE, "snapshot "
                + placed.snapshotName() + " (sha256 " + placed.snapshotSha256() + ") on " + placed.nodes().size()
                + " etcd nodes; " + placed.localFiles().size() + " files placed next to the cluster config"));
        RkeCommand cmd = command(placed.snapshotName());
        RkeRunResult run = runner.restore(cmd);
        if (!run.isSuccess()) {
            steps.add(new RestoreRunReport.Step("rke", RestoreRunReport.Outcome.FAILED, cmd.display() + " ended with "
                    + run.status() + " (exit " + run.exitCode() + "): " + run.failureMessage().orElse(
                    "see the rke output")));
            return new RestoreRunReport(setId, false, steps, List.of(), "the snapshot is in place on every etcd"
                    + " node; fix the cause rke reported and run " + cmd.display() + " yourself, or run the"
                    + " restore again");
        }
        steps.add(new RestoreRunReport.Step("rke", RestoreRunReport.Outcome.DONE, cmd.display() + " finished in "
                + run.elapsed().toSeconds() + " s"));
        long snapshotRevision = Long.parseLong(m.metadata().labels().getOrDefault(EtcdLabels.REVISION, "0"));
        Health h = health(snapshotRevision);
        steps.add(new RestoreRunReport.Step("health", h.ok ? RestoreRunReport.Outcome.DONE
                : RestoreRunReport.Outcome.FAILED, h.detail));
        LOG.info("restore of set {}: {}", setId, h.ok ? "done, cluster healthy" : "cluster NOT healthy");
        return new RestoreRunReport(setId, false, steps, h.members, h.ok ? "" : "rke restored the snapshot but the"
                + " etcd cluster is not healthy: check the members named above (docker logs etcd on each node),"
                + " then run rke up --config " + config.sourcePath().map(Path::toString).orElse("cluster.yml"));
    }

    private record Health(boolean ok, String detail, List<MemberStatus> members) {
    }

    private Health health(long snapshotRevision) {
        long deadline = System.nanoTime() + healthTimeout.toNanos();
        Health last;
        do {
            last = healthOnce(snapshotRevision);
            if (last.ok) {
                return last;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
        } while (System.nanoTime() < deadline);
        return last;
    }

    private Health healthOnce(long snapshotRevision) {
        EtcdCredentials creds;
        try {
            creds = EtcdCredentials.fromStateFile(config.stateFilePath().orElseThrow());
        } catch (BackupException e) {
            return new Health(false, "cannot read the restored cluster's certificates: " + e.getMessage(), List.of());
        }
        try (EtcdMembers members = EtcdMembers.connect(config.requireEtcdNodes(), creds, targets,
                Duration.ofSeconds(5))) {
            List<MemberStatus> st = members.status();
            List<String> problems = new ArrayList<>();
            st.stream().filter(s -> !s.reachable()).forEach(s -> problems.add(s.host() + " does not answer"));
            long leaders = st.stream().filter(MemberStatus::isLeader).count();
            long clusters = st.stream().filter(MemberStatus::reachable).mapToLong(MemberStatus::clusterId)
                    .distinct().count();
            if (leaders != 1) {
                problems.add(leaders + " leaders");
            }
            if (clusters > 1) {
                problems.add("the members report " + clusters + " different cluster ids");
            }
            st.stream().filter(s -> s.reachable() && s.revision() < snapshotRevision).forEach(s -> problems.add(
                    s.host() + " is at revision " + s.revision() + ", below the snapshot's " + snapshotRevision));
            String detail = problems.isEmpty() ? st.size() + " members healthy, one leader, revision "
                    + st.stream().mapToLong(MemberStatus::revision).max().orElse(0) + " (snapshot " + snapshotRevision
                    + ")" : String.join("; ", problems);
            return new Health(problems.isEmpty(), detail, st);
        }
    }

    private RestorePreparation prep() {
        RestorePreparation.Builder b = RestorePreparation.builder(repository, setId, config, runner.binary().version(),
                connector).rkeExecutable(runner.binary().path());
        return preparation.apply(b).build();
    }

    private RkeCommand command(String snapshotName) {
        Path configFile = config.sourcePath().orElseThrow();
        return runner.restoreCommand(request.apply(RestoreRequest.builder(configFile, snapshotName)).build());
    }

    /** Builds an {@link EtcdRestore}. Not thread-safe. */
    public static final class Builder {
        private final BackupRepository repository;
        private final String setId;
        private final ClusterConfig config;
        private final RkeRunner runner;
        private final NodeConnector connector;
        private EtcdTargets targets = EtcdTargets.direct();
        private UnaryOperator<RestorePreparation.Builder> preparation = UnaryOperator.identity();
        private UnaryOperator<RestoreRequest.Builder> request = UnaryOperator.identity();
        private Duration healthTimeout = Duration.ofMinutes(5);

        private Builder(BackupRepository repository, String setId, ClusterConfig config, RkeRunner runner,
                NodeConnector connector) {
            this.repository = Objects.requireNonNull(repository, "repository");
            this.setId = Objects.requireNonNull(setId, "setId");
            this.config = Objects.requireNonNull(config, "config");
            this.runner = Objects.requireNonNull(runner, "runner");
            this.connector = Objects.requireNonNull(connector, "connector");
        }

        /**
         * How to reach the restored members for the health check.
         *
         * @param value {@link EtcdTargets#direct()} by default
         * @return this builder
         */
        public Builder targets(EtcdTargets value) {
            this.targets = Objects.requireNonNull(value, "targets");
            return this;
        }

        /**
         * Adjusts the preparation (snapshot directory, force).
         *
         * @param value applied to the preparation builder
         * @return this builder
         */
        public Builder preparation(UnaryOperator<RestorePreparation.Builder> value) {
            this.preparation = Objects.requireNonNull(value, "preparation");
            return this;
        }

        /**
         * Adjusts the {@code rke etcd snapshot-restore} request ({@code --use-local-state}, certificates).
         *
         * @param value applied to the request builder
         * @return this builder
         */
        public Builder request(UnaryOperator<RestoreRequest.Builder> value) {
            this.request = Objects.requireNonNull(value, "request");
            return this;
        }

        /**
         * How long the restored cluster may take to become healthy (5 minutes by default).
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder healthTimeout(Duration value) {
            this.healthTimeout = Objects.requireNonNull(value, "healthTimeout");
            return this;
        }

        /**
         * Builds the restore.
         *
         * @return the restore
         */
        public EtcdRestore build() {
            return new EtcdRestore(this);
        }
    }
}
