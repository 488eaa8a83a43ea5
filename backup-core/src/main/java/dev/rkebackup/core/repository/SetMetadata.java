package dev.rkebackup.core.repository;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a new backup set says about itself, before its artifacts are known.
 *
 * @param clusterName the cluster's name (RKE's {@code cluster_name}, {@code local} by default)
 * @param rkeVersion the RKE version the backup was taken for, or {@code ""} when unknown
 * @param configGeneration the cluster config's backup scheme ({@code legacy}, {@code backup_config}, {@code none}),
 *     or {@code ""} when unknown
 * @param labels free-form labels, such as {@code snapshot-name}
 */
public record SetMetadata(String clusterName, String rkeVersion, String configGeneration,
        Map<String, String> labels) {
    /** Label that records the etcd snapshot's bare name. */
    public static final String LABEL_SNAPSHOT_NAME = "snapshot-name";

    /** Validates the fields; null versions become {@code ""}. */
    public SetMetadata {
        Objects.requireNonNull(clusterName, "clusterName");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank");
        }
        rkeVersion = rkeVersion == null ? "" : rkeVersion;
        configGeneration = configGeneration == null ? "" : configGeneration;
        labels = Map.copyOf(labels);
    }

    /**
     * Metadata with only a cluster name.
     *
     * @param clusterName the cluster's name
     * @return the metadata
     */
    public static SetMetadata of(String clusterName) {
        return new SetMetadata(clusterName, "", "", Map.of());
    }

    /**
     * A copy with the RKE version set.
     *
     * @param version such as {@code v1.6.3}
     * @return the copy
     */
    public SetMetadata withRkeVersion(String version) {
        return new SetMetadata(clusterName, version, configGeneration, labels);
    }

    /**
     * A copy with the config generation set.
     *
     * @param generation such as {@code backup_config}
     * @return the copy
     */
    public SetMetadata withConfigGeneration(String generation) {
        return new SetMetadata(clusterName, rkeVersion, generation, labels);
    }

    /**
     * A copy with one more label.
     *
     * @param key the label's key
     * @param value the label's value
     * @return the copy
     */
    public SetMetadata withLabel(String key, String value) {
        Map<String, String> m = new TreeMap<>(labels);
        m.put(key, value);
        return new SetMetadata(clusterName, rkeVersion, configGeneration, m);
    }

    /**
     * The RKE version when known.
     *
     * @return the version, or empty
     */
    public Optional<String> knownRkeVersion() {
        return rkeVersion.isEmpty() ? Optional.empty() : Optional.of(rkeVersion);
    }
}
