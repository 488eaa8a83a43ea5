package dev.rkebackup.examples.cli;

import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.etcd.EtcdTargets;
import dev.rkebackup.rke.backup.SshEndpoints;
import dev.rkebackup.rke.config.ClusterConfig;
import picocli.CommandLine.Option;

/** How {@code backup --from-etcd} and {@code restore} reach etcd. */
final class EtcdOptions {
    @Option(names = "--from-etcd", description = "Take the snapshot through the etcd API with the .rkestate "
            + "certificates (kube-ca, kube-node): no rke binary needed. The members must agree first.")
    boolean fromEtcd;

    @Option(names = "--etcd-via-ssh", description = "Reach each etcd member through an SSH forward to "
            + "127.0.0.1:2379 on its node (uses the SSH settings of the cluster config).")
    boolean viaSsh;

    @Option(names = "--etcd-port", paramLabel = "PORT", description = "etcd's client port (default 2379).")
    int port = EtcdTargets.DEFAULT_PORT;

    @Option(names = "--etcd-member", paramLabel = "ADDRESS",
            description = "Take the snapshot from this member only (default: the healthiest).")
    String member;

    @Option(names = "--allow-older-revision", description = "Store a snapshot whose etcd revision is lower than "
            + "the newest stored set of the same cluster (after a restore).")
    boolean allowOlderRevision;

    EtcdTargets targets(ClusterConfig config, NodeOptions nodes) {
        EtcdTargets t = viaSsh ? EtcdTargets.viaSsh(SshEndpoints.fromConfig(config, nodes.sshOptions()))
                : EtcdTargets.direct();
        return t.port(port);
    }

    static RetentionPolicy retention(int keepLast, java.time.Duration keepWithin) {
        return new RetentionPolicy(keepLast, keepWithin, 0, 0, 0);
    }
}
