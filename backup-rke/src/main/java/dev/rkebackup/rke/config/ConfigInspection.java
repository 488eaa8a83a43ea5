package dev.rkebackup.rke.config;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.RkeVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything an inspection of a cluster config found: scheme, nodes, quorum, effective backup behaviour on an RKE
 * version, and warnings. Render it with {@link #toText()} or {@link #toJson()}; secrets appear only as a redaction
 * marker. Immutable and thread-safe. Made by {@link ConfigInspector}.
 *
 * @param source the config's path or name
 * @param clusterName {@code cluster_name} or {@code local}
 * @param rkeVersion the version the behaviour was computed for; a {@code dev} placeholder (treated as the newest
 *        known behaviour) when none was given
 * @param rkeVersionGiven false when the caller gave no version and {@code rkeVersion} is assumed
 * @param generation the backup scheme the file is written in
 * @param nodeCount number of nodes
 * @param etcdNodes addresses of the etcd nodes
 * @param quorum etcd quorum arithmetic
 * @param backup effective behaviour
 * @param s3 the S3 settings as written (key → display value, secrets redacted); empty without S3
 * @param stateFile the expected {@code .rkestate} path, empty when not applicable or unknown
 * @param warnings findings, errors first
 * @param config the inspected config (for node and S3 details; its secrets stay redacted in every rendering)
 */
public record ConfigInspection(String source, String clusterName, RkeVersion rkeVersion, boolean rkeVersionGiven,
        ConfigGeneration generation, int nodeCount, List<String> etcdNodes, EtcdQuorum quorum, EffectiveBackup backup,
        Map<String, String> s3, String stateFile, List<ConfigWarning> warnings, ClusterConfig config) {
    /** Validates and copies. */
    public ConfigInspection {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(rkeVersion, "rkeVersion");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(config, "config");
        etcdNodes = List.copyOf(etcdNodes);
        s3 = Collections.unmodifiableMap(new LinkedHashMap<>(s3));
        warnings = List.copyOf(warnings);
    }

    /** @return true when a finding has {@link Severity#ERROR} */
    public boolean hasErrors() {
        return warnings.stream().anyMatch(w -> w.severity() == Severity.ERROR);
    }

    /**
     * Findings with a code.
     *
     * @param code the code
     * @return matching findings, possibly empty
     */
    public List<ConfigWarning> findings(WarningCode code) {
        return warnings.stream().filter(w -> w.code() == code).toList();
    }

    /** @return the set of codes found, in report order */
    public List<WarningCode> codes() {
        return warnings.stream().map(ConfigWarning::code).distinct().toList();
    }

    /**
     * Fails when the config cannot be used for backups.
     *
     * @return this inspection, for chaining
     * @throws InvalidInputException listing every error finding with its line
     */
    public ConfigInspection requireNoErrors() {
        if (hasErrors()) {
            throw new InvalidInputException(source + ": the cluster config cannot be backed up: " + warnings.stream()
                    .filter(w -> w.severity() == Severity.ERROR)
                    .map(w -> (w.line() > 0 ? "line " + w.line() + ": " : "") + w.code() + ": " + w.message())
                    .collect(Collectors.joining("; ")));
        }
        return this;
    }

    /** @return a human-readable multi-line report */
    public String toText() {
        return InspectionFormat.text(this);
    }

    /** @return the report as a JSON object (pretty-printed) */
    public String toJson() {
        return InspectionFormat.json(this);
    }
}
