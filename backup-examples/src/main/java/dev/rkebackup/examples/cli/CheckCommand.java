package dev.rkebackup.examples.cli;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.backup.ClusterCheck;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rke-backup check}: the seed's prerequisites in one command, changing nothing. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the prerequisites of a backup without changing anything: rke found and its version "
                + "able to take snapshots, the config and state file where rke looks for them, every etcd node "
                + "reachable with the config's SSH settings and its snapshot directory readable (with the space its "
                + "snapshots use), the store writable; then the etcd fault-tolerance table with this cluster's row "
                + "marked. Exit code 1 when a check fails.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    NodeOptions nodes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ClusterConfig config = cluster.config();
        List<ClusterCheck.Item> items = new ArrayList<>();
        Optional<RkeVersion> version = Optional.empty();
        try {
            RkeBinary rke = cluster.binary();
            Path dir = rke.path().toAbsolutePath().getParent();
            boolean beside = cluster.config.toAbsolutePath().getParent().equals(dir);
            items.add(new ClusterCheck.Item("rke binary", ClusterCheck.Status.OK, rke.path() + " ("
                    + rke.version() + ")" + (beside ? ", the config is beside it" : "; the config is not in its "
                    + "directory (the seed keeps them together; rke-backup always passes --config)"), -1));
            version = Optional.of(rke.version());
        } catch (BackupException e) {
            items.add(new ClusterCheck.Item("rke binary", cluster.rkeVersion != null ? ClusterCheck.Status.WARN
                    : ClusterCheck.Status.FAIL, OperatorText.of(e.getMessage()), -1));
            version = cluster.version();
        }
        version.ifPresent(v -> items.addAll(ClusterCheck.local(config, v)));
        if (!config.etcdNodes().isEmpty()) {
            items.addAll(ClusterCheck.nodes(config, nodes.connector(config), nodes.snapshotDirectory()));
        }
        try (ObjectStore store = storeOptions.open()) {
            items.add(ClusterCheck.store(store));
        }
        PrintWriter out = spec.commandLine().getOut();
        for (ClusterCheck.Item i : items) {
            out.printf("%-4s %-22s %s%n", i.status(), i.name(), OperatorText.of(i.detail()));
        }
        out.println();
        out.println("etcd fault tolerance:");
        ClusterCheck.faultToleranceTable(config.etcdNodes().size()).lines().forEach(l -> out.println("  " + l));
        out.flush();
        long failed = items.stream().filter(i -> i.status() == ClusterCheck.Status.FAIL).count();
        if (failed > 0) {
            throw new ExitCodeException(RkeBackupCli.FAILED, failed + " check(s) failed; fix them before the next "
                    + "backup");
        }
        return RkeBackupCli.OK;
    }
}
