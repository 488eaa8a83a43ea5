package dev.rkebackup.core.repository;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a new backup set says about itself, before its artifacts are known. Facts of a particular product travel as
 * namespaced labels ({@code rke.version}, for example) read and written through a typed view in the module that
 * knows the product (backup-rke's {@code RkeSetInfo}), so the core stays free of any one product's vocabulary.
 *
 * @param clusterName the cluster's name
 * @param labels free-form labels, such as {@code snapshot-name}; keys in a namespace look like {@code ns.name}
 */
public record SetMetadata(String clusterName, Map<String, String> labels) {
    /** Label that records the etcd snapshot's bare name. */
    public static final String LABEL_SNAPSHOT_NAME = "snapshot-name";

    /** Validates the fields and copies the labels. */
    public SetMetadata {
        Objects.requireNonNull(clusterName, "clusterName");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank");
        }
        labels = Map.copyOf(labels);
    }

    /**
     * Metadata with only a cluster name.
     *
     * @param clusterName the cluster's name
     * @return the metadata
     */
    public static SetMetadata of(String clusterName) {
        return new SetMetadata(clusterName, Map.of());
    }

    /**
     * A copy with one more label, or with a label replaced.
     *
     * @param key the label's key
     * @param value the label's value
     * @return the copy
     */
    public SetMetadata withLabel(String key, String value) {
        Map<String, String> m = new TreeMap<>(labels);
        m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new SetMetadata(clusterName, m);
    }

    /**
     * A copy without a label.
     *
     * @param key the label's key
     * @return the copy; this metadata when it has no such label
     */
    public SetMetadata withoutLabel(String key) {
        if (!labels.containsKey(key)) {
            return this;
        }
        Map<String, String> m = new TreeMap<>(labels);
        m.remove(key);
        return new SetMetadata(clusterName, m);
    }
}
