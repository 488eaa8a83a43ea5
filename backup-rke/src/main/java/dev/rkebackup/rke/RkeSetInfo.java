package dev.rkebackup.rke;

import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The RKE facts of a backup set, as a typed view over its labels: {@value #LABEL_RKE_VERSION} and
 * {@value #LABEL_CONFIG_GENERATION}. Sets written by round 1 carried them as top-level manifest fields
 * ({@code rkeVersion}, {@code configGeneration}); the core reads those as labels of the same name, and this view
 * falls back to them, so old sets read the same.
 *
 * <pre>{@code
 * SetMetadata meta = RkeSetInfo.of(version, config.configGeneration()).applyTo(SetMetadata.of("prod"));
 * String taken = RkeSetInfo.of(manifest).rkeVersion();
 * }</pre>
 *
 * @param rkeVersion the RKE version the backup was taken for, or {@code ""} when unknown
 * @param configGeneration the cluster config's backup scheme ({@code legacy}, {@code backup_config}, {@code none}),
 *     or {@code ""} when unknown
 */
public record RkeSetInfo(String rkeVersion, String configGeneration) {
    /** Label carrying the RKE version. */
    public static final String LABEL_RKE_VERSION = "rke.version";
    /** Label carrying the config generation. */
    public static final String LABEL_CONFIG_GENERATION = "rke.config-generation";
    private static final String ROUND1_RKE_VERSION = "rkeVersion";
    private static final String ROUND1_CONFIG_GENERATION = "configGeneration";

    /** Null fields become {@code ""}. */
    public RkeSetInfo {
        rkeVersion = rkeVersion == null ? "" : rkeVersion;
        configGeneration = configGeneration == null ? "" : configGeneration;
    }

    /**
     * The facts of a cluster backed up with an RKE version.
     *
     * @param version the RKE version
     * @param generation the cluster config's generation
     * @return the facts
     */
    public static RkeSetInfo of(RkeVersion version, dev.rkebackup.rke.config.ConfigGeneration generation) {
        return new RkeSetInfo(Objects.requireNonNull(version, "version").toString(),
                Objects.requireNonNull(generation, "generation").name().toLowerCase(Locale.ROOT));
    }

    /**
     * Reads the facts of a set.
     *
     * @param manifest the set's manifest
     * @return the facts; fields are {@code ""} when the set does not say
     */
    public static RkeSetInfo of(Manifest manifest) {
        return of(manifest.metadata());
    }

    /**
     * Reads the facts from a set's metadata.
     *
     * @param metadata the metadata
     * @return the facts; fields are {@code ""} when the metadata does not say
     */
    public static RkeSetInfo of(SetMetadata metadata) {
        return new RkeSetInfo(label(metadata, LABEL_RKE_VERSION, ROUND1_RKE_VERSION),
                label(metadata, LABEL_CONFIG_GENERATION, ROUND1_CONFIG_GENERATION));
    }

    private static String label(SetMetadata m, String key, String round1Key) {
        String v = m.labels().get(key);
        return v != null ? v : m.labels().getOrDefault(round1Key, "");
    }

    /**
     * Writes these facts into metadata as labels; unknown ({@code ""}) facts are left out.
     *
     * @param metadata the metadata to add to
     * @return a copy with the labels set
     */
    public SetMetadata applyTo(SetMetadata metadata) {
        SetMetadata m = metadata;
        if (!rkeVersion.isEmpty()) {
            m = m.withLabel(LABEL_RKE_VERSION, rkeVersion);
        }
        if (!configGeneration.isEmpty()) {
            m = m.withLabel(LABEL_CONFIG_GENERATION, configGeneration);
        }
        return m;
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
