package dev.rkebackup.examples.cli;

import dev.rkebackup.rke.backup.NodeConnector;
import dev.rkebackup.rke.backup.SshEndpoints;
import dev.rkebackup.rke.backup.SshOptions;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.EffectiveBackup;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to reach the etcd nodes: SSH settings, or {@code --local}. */
final class NodeOptions {
    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "Known-hosts file for node host keys (default ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--insecure-skip-host-key-check",
            description = "Accept any host key (logs a warning). Only for throwaway labs.")
    boolean insecure;

    @Option(names = "--sudo", description = "Use 'sudo -n' on the nodes for root-only files (RKE v0.2.7+ "
            + "snapshots are root-owned 0600).")
    boolean sudo;

    @Option(names = "--local", description = "Read and write node files on this machine (run it on an etcd node, "
            + "or point --snapshot-dir at a copy of the snapshot directory).")
    boolean local;

    @Option(names = "--snapshot-dir", paramLabel = "DIR",
            description = "Snapshot directory on the nodes (default " + EffectiveBackup.SNAPSHOT_DIRECTORY + ").")
    String snapshotDir;

    NodeConnector connector(ClusterConfig config) {
        if (local) {
            return NodeConnector.thisMachine();
        }
        return NodeConnector.ssh(SshEndpoints.fromConfig(config, sshOptions()));
    }

    /** The SSH settings of these options (also used for SSH forwards to etcd). */
    SshOptions sshOptions() {
        SshOptions o = SshOptions.defaults().withSkipHostKeyCheck(insecure).withSudo(sudo);
        return knownHosts != null ? o.withKnownHosts(knownHosts.toAbsolutePath()) : o;
    }

    /** The snapshot directory as an absolute path; a relative --snapshot-dir is resolved here with --local. */
    String snapshotDirectory() {
        if (snapshotDir == null) {
            return EffectiveBackup.SNAPSHOT_DIRECTORY;
        }
        return local ? Path.of(snapshotDir).toAbsolutePath().normalize().toString() : snapshotDir;
    }
}
