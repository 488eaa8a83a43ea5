package dev.rkebackup.examples.cli;

import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.etcd.EtcdRestore;
import dev.rkebackup.etcd.RestoreRunReport;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeRunner;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup restore}: prepare-restore, run rke etcd snapshot-restore, check the cluster. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a set to the end: the checks and placement of prepare-restore, then 'rke etcd "
                + "snapshot-restore' with the arguments this RKE version needs (downtime: RKE stops etcd and "
                + "rebuilds the cluster), then check every etcd member, one leader and the revision through the "
                + "etcd API. Stops at the first failing step and says what next. Exit 1 on failure.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    NodeOptions nodes;

    @Mixin
    EtcdOptions etcd;

    @Option(names = "--set", required = true, paramLabel = "ID", description = "The set to restore.")
    String setId;

    @Option(names = "--dry-run", description = "List every step and run the checks that touch nothing "
            + "(including verifying the set).")
    boolean dryRun;

    @Option(names = "--force", description = "Replace different existing files (old local files kept as .bak).")
    boolean force;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up on rke snapshot-restore after this long (default 60m).")
    Duration timeout = Duration.ofMinutes(60);

    @Option(names = "--health-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "How long the restored cluster may take to become healthy (default 5m).")
    Duration healthTimeout = Duration.ofMinutes(5);

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ClusterConfig config = cluster.config();
        config.requireEtcdNodes();
        RestoreRunReport r;
        try (ObjectStore store = storeOptions.open()) {
            EtcdRestore restore = EtcdRestore.builder(StoreOptions.repository(store,
                    ConsoleProgress.forTerminal(json)), setId, config,
                    RkeRunner.builder(cluster.binary()).timeout(timeout).build(), nodes.connector(config))
                    .targets(etcd.targets(config, nodes))
                    .preparation(b -> b.snapshotDirectory(nodes.snapshotDirectory()).force(force))
                    .healthTimeout(healthTimeout).build();
            r = dryRun ? restore.dryRun() : restore.execute();
        }
        EtcdBackupOutput.restore(spec.commandLine().getOut(), r, json);
        if (!r.ok()) {
            throw new ExitCodeException(RkeBackupCli.FAILED, (dryRun ? "the restore plan has a failing check"
                    : "the restore stopped") + (r.next().isEmpty() ? "" : ": " + r.next()));
        }
        return RkeBackupCli.OK;
    }
}
