package dev.rkebackup.etcd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes RKE cluster configs for test clusters. */
public final class Clusters {
    private Clusters() {
    }

    /**
     * Writes {@code cluster.yml} listing the addresses as etcd nodes (SSH port per node optional).
     *
     * @param dir the directory
     * @param addresses the etcd node addresses
     * @param sshPorts SSH port per address, or null
     * @return the config file
     */
    public static Path writeConfig(Path dir, List<String> addresses, List<Integer> sshPorts) {
        StringBuilder y = new StringBuilder("cluster_name: drill-test\nnodes:\n");
        for (int i = 0; i < addresses.size(); i++) {
            y.append("  - address: ").append(addresses.get(i)).append('\n')
                    .append("    internal_address: ").append(addresses.get(i)).append('\n')
                    .append("    user: rke\n")
                    .append(sshPorts == null ? "" : "    port: \"" + sshPorts.get(i) + "\"\n")
                    .append("    role: [etcd, controlplane, worker]\n");
        }
        y.append("services:\n  etcd:\n    backup_config:\n      interval_hours: 12\n      retention: 6\n");
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("cluster.yml"), y.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
