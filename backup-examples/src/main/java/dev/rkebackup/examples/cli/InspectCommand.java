package dev.rkebackup.examples.cli;

import dev.rkebackup.rke.config.ConfigInspection;
import dev.rkebackup.rke.config.ConfigInspector;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup inspect}: what RKE will really do with a config's backup settings. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Report the backup scheme of a cluster config, what RKE will really do with it on a version "
                + "(recurring snapshots, interval, retention window, S3), the etcd quorum, what a restore needs, "
                + "and warnings with codes. Key values never appear.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigInspection i = cluster.version().map(v -> ConfigInspector.inspect(cluster.config(), v))
                .orElseGet(() -> ConfigInspector.inspect(cluster.config()));
        i.requireNoErrors();
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? i.toJson() : i.toText());
        out.flush();
        return RkeBackupCli.OK;
    }
}
