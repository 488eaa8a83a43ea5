package dev.rkebackup.rke.config;

import java.util.Locale;
import java.util.Optional;

/** A role in {@code nodes[].role}. */
public enum NodeRole {
    /** Runs an etcd member; takes snapshots. */
    ETCD,
    /** Runs the Kubernetes control plane. */
    CONTROLPLANE,
    /** Runs workloads. */
    WORKER;

    /** @return the spelling used in cluster.yml ({@code etcd}, {@code controlplane}, {@code worker}) */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a role as RKE spells it.
     *
     * @param text e.g. {@code etcd}
     * @return the role, empty when RKE does not know it
     */
    public static Optional<NodeRole> fromYaml(String text) {
        for (NodeRole r : values()) {
            if (r.yamlName().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
