package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.crypto.Protection;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.etcd.EtcdBackup;
import dev.rkebackup.etcd.EtcdBackupResult;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.backup.BackupResult;
import dev.rkebackup.rke.backup.CollectionStrategy;
import dev.rkebackup.rke.backup.NodeReport;
import dev.rkebackup.rke.backup.RkeBackup;
import dev.rkebackup.rke.backup.SnapshotFailedException;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.exec.SnapshotNames;
import dev.rkebackup.rke.exec.SnapshotResult;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup backup}: snapshot, collect, verify, store, prune. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "The whole job: take a one-time snapshot with rke (unless --no-snapshot), copy it and "
                + "everything a restore needs on this RKE version into a new backup set, verify it, apply retention.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    NodeOptions nodes;

    @Mixin
    EtcdOptions etcd;

    @Option(names = "--name", paramLabel = "N",
            description = "Snapshot name (bare, no .zip). Default: RKE's own rke_etcd_snapshot_<time>.")
    String name;

    @Option(names = "--no-snapshot", description = "Do not run rke; collect the existing snapshot --name.")
    boolean noSnapshot;

    @Option(names = "--all-nodes", description = "Store every etcd node's copy, not just the first intact one.")
    boolean allNodes;

    @Option(names = "--allow-incomplete",
            description = "Store a set that lacks something a restore needs, marked incomplete (exit code 1).")
    boolean allowIncomplete;

    @Option(names = "--include-kubeconfig", description = "Also store kube_config_<config> (admin credentials).")
    boolean includeKubeconfig;

    @Option(names = "--keep-last", paramLabel = "N", description = "After the backup, keep the N newest sets.")
    int keepLast;

    @Option(names = "--keep-within", paramLabel = "DURATION", converter = Durations.class,
            description = "After the backup, keep sets younger than this (90m, 36h, 7d, 2w).")
    Duration keepWithin = Duration.ZERO;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up on rke snapshot-save after this long (default 30m).")
    Duration timeout = Duration.ofMinutes(30);

    @Option(names = "--read-back", description = "Check the new set by downloading and hashing every artifact,"
            + " instead of confirming each from the store's own record (checksum or ETag of what it received, size"
            + " of a synced file). Artifacts the store cannot confirm are read back anyway.")
    boolean readBack;

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    private Protection protection;

    @Override
    public Integer call() {
        if (noSnapshot && name == null) {
            throw new InvalidInputException("--no-snapshot collects an existing snapshot: give its name with --name");
        }
        if (name != null) {
            SnapshotNames.requireValid(name);
        }
        if (keepLast < 0) {
            throw new InvalidInputException("--keep-last must not be negative");
        }
        ClusterConfig config = cluster.config();
        config.requireEtcdNodes();
        if (etcd.fromEtcd) {
            return fromEtcd(config);
        }
        RkeRunner runner = noSnapshot ? null : RkeRunner.builder(cluster.binary()).timeout(timeout).build();
        RkeVersion version = runner != null ? runner.binary().version() : cluster.requireVersion();
        BackupResult result;
        try (ObjectStore store = storeOptions.open()) {
            BackupRepository repo = storeOptions.repo(store, ConsoleProgress.forTerminal(json));
            protection = repo.protection();
            if (!protection.encrypted()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("warning: " + store.describe() + " is not encrypted, not authenticated: whoever can read"
                        + " it gets every cluster secret, whoever can write it can plant a snapshot. Back up into an"
                        + " encrypted repository instead (rke-backup init --store URI --password-file F)");
                err.flush();
            }
            RkeBackup.Builder job = RkeBackup.builder(config, version, repo, nodes.connector(config))
                    .snapshotDirectory(nodes.snapshotDirectory())
                    .strategy(allNodes ? CollectionStrategy.ALL_NODES : CollectionStrategy.FIRST_INTACT)
                    .allowIncomplete(allowIncomplete)
                    .includeKubeconfig(includeKubeconfig)
                    .readBack(readBack);
            if (keepLast < 0) {
                throw new InvalidInputException("--keep-last must not be negative");
            }
            RetentionPolicy policy = RetentionPolicy.builder().keepLast(keepLast).keepWithin(keepWithin).build();
            if (!policy.isEmpty()) {
                job.retention(policy);
            }
            if (noSnapshot) {
                result = job.build().collect(name);
            } else {
                SnapshotSaveRequest.Builder req = SnapshotSaveRequest.builder(cluster.config);
                if (name != null) {
                    req.name(name);
                }
                try {
                    result = job.build().snapshotAndCollect(runner, req.build());
                } catch (SnapshotFailedException e) {
                    RkeLines.print(spec.commandLine().getErr(), e.snapshot().output());
                    throw e;
                }
            }
        }
        print(result);
        if (!result.ok()) {
            throw new ExitCodeException(RkeBackupCli.FAILED, "backup set " + result.manifest().setId()
                    + (result.manifest().complete() ? " did not verify" : " is incomplete: "
                    + String.join("; ", result.manifest().notes())));
        }
        Optional<SnapshotResult> snap = result.snapshot().filter(s -> !s.isSuccess());
        if (snap.isPresent()) {
            RkeLines.print(spec.commandLine().getErr(), snap.get().output());
            throw new ExitCodeException(RkeBackupCli.STORED_AFTER_PARTIAL_SNAPSHOT, "backup set "
                    + result.manifest().setId() + " was stored and verified, but rke etcd snapshot-save ended with "
                    + snap.get().status() + snap.get().failureMessage().map(m -> ": " + m).orElse("")
                    + "; fix the hosts it names and run the backup again (exit code 3)");
        }
        return RkeBackupCli.OK;
    }

    private int fromEtcd(ClusterConfig config) {
        if (noSnapshot || allNodes || allowIncomplete || includeKubeconfig) {
            throw new InvalidInputException("--from-etcd takes a new snapshot from one etcd member: leave out"
                    + " --no-snapshot, --all-nodes, --allow-incomplete and --include-kubeconfig");
        }
        String snapshotName = name != null ? name : "rke_etcd_snapshot_" + java.time.OffsetDateTime.now()
                .withNano(0).toString().replace(':', '-');
        EtcdBackupResult r;
        try (ObjectStore store = storeOptions.open()) {
            EtcdBackup.Builder job = EtcdBackup.builder(config, cluster.requireVersion(),
                    StoreOptions.repository(store, ConsoleProgress.forTerminal(json)))
                    .targets(etcd.targets(config, nodes)).allowOlderRevision(etcd.allowOlderRevision)
                    .readBack(readBack);
            if (etcd.member != null) {
                job.member(etcd.member);
            }
            RetentionPolicy policy = EtcdOptions.retention(keepLast, keepWithin);
            if (!policy.isEmpty()) {
                job.retention(policy);
            }
            r = job.build().run(snapshotName);
        }
        EtcdBackupOutput.backup(spec.commandLine().getOut(), r, json);
        if (!r.ok()) {
            throw new ExitCodeException(RkeBackupCli.FAILED, "backup set " + r.manifest().setId()
                    + " did not verify");
        }
        return RkeBackupCli.OK;
    }

    /** How the artifact was checked after the upload: the store's record, or a read-back. */
    private static String confirmation(BackupResult r, String path) {
        return r.verification().checks().stream().filter(c -> c.path().equals(path)).findFirst()
                .map(c -> c.method()).orElse("nothing");
    }

    private void print(BackupResult r) {
        PrintWriter out = spec.commandLine().getOut();
        Manifest m = r.manifest();
        String snapshotName = m.metadata().labels().get(SetMetadata.LABEL_SNAPSHOT_NAME);
        if (json) {
            ObjectNode n = Json.object();
            n.put("setId", m.setId());
            n.put("snapshotName", snapshotName);
            n.put("complete", m.complete());
            n.put("verified", r.verification().ok());
            ListCommand.putProtection(n, protection);
            ArrayNode arts = n.putArray("artifacts");
            for (ArtifactEntry a : m.artifacts()) {
                arts.addObject().put("path", a.path()).put("kind", a.kind().id()).put("size", a.size())
                        .put("sha256", a.sha256()).put("source", a.source().toString())
                        .put("confirmation", confirmation(r, a.path()));
            }
            ArrayNode hosts = n.putArray("nodes");
            for (NodeReport h : r.nodes()) {
                hosts.addObject().put("host", h.host()).put("status", h.status().id()).put("detail", h.detail());
            }
            r.pruned().forEach(n.putArray("pruned")::add);
            m.notes().forEach(n.putArray("notes")::add);
            Json.print(out, n);
            return;
        }
        out.printf("stored backup set %s (snapshot %s, %s, %s, %s)%n", m.setId(), snapshotName,
                m.complete() ? "complete" : "INCOMPLETE", r.verification().ok() ? "verified" : "NOT VERIFIED",
                protection.label());
        for (ArtifactEntry a : m.artifacts()) {
            out.printf("  %-14s %-50s %,14d bytes  sha256 %s  from %s  confirmed by %s%n", a.kind().id(), a.path(),
                    a.size(), a.sha256(), a.source(), confirmation(r, a.path()));
        }
        for (NodeReport h : r.nodes()) {
            out.printf("  node %-20s %-11s %s%n", h.host(), h.status().id(), h.detail());
        }
        m.notes().forEach(note -> out.println("  note: " + note));
        if (!r.pruned().isEmpty()) {
            out.println("  pruned: " + String.join(", ", r.pruned()));
        }
    }
}
