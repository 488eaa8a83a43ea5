package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.backup.NodeReport;
import dev.rkebackup.rke.backup.RestoreNotReadyException;
import dev.rkebackup.rke.backup.RestorePreparation;
import dev.rkebackup.rke.backup.RestoreResult;
import dev.rkebackup.rke.config.ClusterConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup prepare-restore}: the same verified snapshot on every etcd node, then the restore command. */
@Command(name = "prepare-restore", mixinStandardHelpOptions = true,
        description = "Verify a set, put the same snapshot on every etcd node of --config (temporary name, rename, "
                + "0600, SHA-256 confirmed on each node), place the cluster config and state file, and print the "
                + "exact 'rke etcd snapshot-restore' command. Nothing different is overwritten without --force.")
final class PrepareRestoreCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    NodeOptions nodes;

    @Option(names = "--set", required = true, paramLabel = "ID",
            description = "The set to restore, or latest (the newest complete set).")
    String setId;

    @Option(names = "--dry-run", description = "Show every step; touch nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Replace different existing files (old local files kept as .bak).")
    boolean force;

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ClusterConfig config = cluster.config();
        config.requireEtcdNodes();
        RestoreResult r;
        try (ObjectStore store = storeOptions.open()) {
            BackupRepository repo = storeOptions.repo(store, ConsoleProgress.forTerminal(json));
            RestorePreparation prep = RestorePreparation.builder(repo, StoreOptions.resolveSet(repo, setId), config,
                    cluster.requireVersion(), nodes.connector(config))
                    .snapshotDirectory(nodes.snapshotDirectory()).force(force)
                    .rkeExecutable(cluster.rke != null ? cluster.rke : Path.of("rke")).build();
            try {
                r = dryRun ? prep.dryRun() : prep.execute();
            } catch (RestoreNotReadyException e) {
                print(e.result(), false);
                throw e;
            }
        }
        print(r, true);
        return RkeBackupCli.OK;
    }

    private void print(RestoreResult r, boolean ready) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = Json.object();
            n.put("setId", r.setId());
            n.put("snapshotName", r.snapshotName());
            n.put("sha256", r.snapshotSha256());
            n.put("dryRun", r.dryRun());
            n.put("ready", ready && !r.dryRun() && r.ok());
            r.steps().forEach(n.putArray("steps")::add);
            ArrayNode arr = n.putArray("nodes");
            for (NodeReport h : r.nodes()) {
                arr.addObject().put("host", h.host()).put("status", h.status().id()).put("detail", h.detail());
            }
            r.localFiles().forEach(p -> n.withArray("localFiles").add(p.toString()));
            n.put("restoreCommand", r.restoreCommand());
            Json.print(out, n);
            return;
        }
        out.println(r.dryRun() ? "dry run: nothing was changed. Steps:" : "steps:");
        r.steps().forEach(s -> out.println("  - " + s));
        for (NodeReport h : r.nodes()) {
            out.printf("  node %-20s %-11s %s%n", h.host(), h.status().id(), h.detail());
        }
        if (!r.dryRun() && r.ok()) {
            out.println("every etcd node holds " + r.snapshotName() + " with sha256 " + r.snapshotSha256() + ".");
            out.println("Restore ("
                    + RestoreGuide.of(cluster.requireVersion()).effect(cluster.config.toAbsolutePath()) + "):");
            out.println("  " + r.restoreCommand());
        } else if (r.dryRun()) {
            out.println("After a real run, restore with:");
            out.println("  " + r.restoreCommand());
        } else {
            // never end a failed preparation with a command that would restore onto nodes that lack the snapshot
            out.println("not ready: do not run the restore; fix the nodes above and run prepare-restore again.");
        }
    }
}
