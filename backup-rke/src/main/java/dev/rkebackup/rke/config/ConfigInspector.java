package dev.rkebackup.rke.config;

import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.internal.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Inspects a cluster config against an RKE version: effective backup behaviour, etcd quorum and warnings with stable
 * codes (see {@link WarningCode}). Looks at the file system only to check that the {@code .rkestate} exists next to a
 * loaded config. Stateless and thread-safe.
 *
 * <pre>{@code
 * ConfigInspection report = ConfigInspector.inspect(ClusterConfig.load(path), RkeVersion.parse("v1.4.3"));
 * System.out.println(report.toText());
 * }</pre>
 */
public final class ConfigInspector {
    private static final RkeVersion ASSUMED = RkeVersion.parse("dev");

    private ConfigInspector() {
    }

    /**
     * Inspects a config for a known RKE version.
     *
     * @param config the config
     * @param version the RKE version that runs it ({@code rke --version})
     * @return the inspection
     */
    public static ConfigInspection inspect(ClusterConfig config, RkeVersion version) {
        Objects.requireNonNull(version, "version");
        return inspect(config, version, true);
    }

    /**
     * Inspects a config without knowing the RKE version: behaviour is computed as the newest known version's and the
     * report carries {@link WarningCode#RKE_VERSION_UNKNOWN}.
     *
     * @param config the config
     * @return the inspection
     */
    public static ConfigInspection inspect(ClusterConfig config) {
        return inspect(config, ASSUMED, false);
    }

    private static ConfigInspection inspect(ClusterConfig config, RkeVersion version, boolean given) {
        Objects.requireNonNull(config, "config");
        EffectiveBackup backup = effective(config, version);
        List<ConfigWarning> warnings = new ArrayList<>();
        WarningRules.collect(config, version, given, backup, warnings);
        warnings.sort((a, b) -> b.severity().compareTo(a.severity()));
        List<String> etcd = config.etcdNodes().stream().map(RkeNode::address).toList();
        String stateFile = version.has(RkeFeature.STATE_FILE)
                ? config.stateFilePath().map(Object::toString).orElse("") : "";
        return new ConfigInspection(config.sourceName(), config.clusterName(), version, given,
                config.configGeneration(), config.nodes().size(), etcd, EtcdQuorum.of(etcd.size()), backup,
                s3Display(config), stateFile, warnings, config);
    }

    /**
     * Computes what RKE {@code version} does with the config's backup settings.
     *
     * @param config the config
     * @param version the RKE version
     * @return the effective behaviour
     */
    public static EffectiveBackup effective(ClusterConfig config, RkeVersion version) {
        EtcdConfig etcd = config.etcd();
        boolean recurring = version.has(RkeFeature.SNAPSHOTS)
                && etcd.snapshot().orElse(version.has(RkeFeature.RECURRING_ON_BY_DEFAULT));
        Optional<BackupConfig> used = etcd.backupConfig().filter(b -> version.has(RkeFeature.BACKUP_CONFIG));
        Duration interval;
        Duration window;
        String retention;
        boolean s3 = false;
        String prefix = "";
        if (used.isPresent()) {
            BackupConfig bc = used.get();
            boolean defaults = !bc.enabled().equals(Optional.of(false));
            int hours = bc.intervalHours().orElse(defaults ? 12 : 0);
            int count = bc.retention().orElse(defaults ? 6 : 0);
            interval = Duration.ofHours(Math.max(0, hours));
            window = hours > 0 && count > 0 ? Duration.ofHours((long) hours * count) : Duration.ZERO;
            retention = bc.retention().isPresent() ? count + " snapshots" : count + " snapshots (default)";
            Optional<S3BackupConfig> s3c = bc.s3();
            s3 = s3c.isPresent();
            prefix = s3c.flatMap(S3BackupConfig::folder).filter(f -> !f.isEmpty() && version.has(RkeFeature.FOLDER))
                    .map(f -> f + "/").orElse("");
        } else {
            boolean modern = version.has(RkeFeature.RECURRING_ON_BY_DEFAULT);
            String creation = etcd.creation().orElse(modern ? "12h" : "5m0s");
            String keep = etcd.retention().orElse(modern ? "72h" : "24h");
            interval = GoDuration.parse(creation).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
            window = GoDuration.parse(keep).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
            retention = etcd.retention().map(r -> r + " (age)").orElse(keep + " (age, default)");
        }
        String ext = version.has(RkeFeature.ZIPPED_SNAPSHOTS) ? ".zip" : "";
        List<RestoreArtifact> restore = new ArrayList<>(List.of(RestoreArtifact.SNAPSHOT,
                RestoreArtifact.CLUSTER_CONFIG));
        RestoreGuide guide = RestoreGuide.of(version);
        if (guide.needsStateFile()) {
            restore.add(RestoreArtifact.STATE_FILE);
        } else if (guide.needsPkiBundle()) {
            restore.add(RestoreArtifact.PKI_BUNDLE);
        }
        return new EffectiveBackup(used.isPresent() ? ConfigGeneration.BACKUP_CONFIG : ConfigGeneration.LEGACY,
                recurring, interval, retention, window, s3 && version.has(RkeFeature.BACKUP_CONFIG),
                        EffectiveBackup.SNAPSHOT_DIRECTORY,
                "<RFC3339 time>_etcd" + ext, "<name>" + ext, prefix, restore);
    }

    private static Map<String, String> s3Display(ClusterConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.etcd().backupConfig().flatMap(BackupConfig::s3).ifPresent(s3 -> {
            s3.endpoint().ifPresent(v -> out.put("endpoint", v));
            s3.bucketName().ifPresent(v -> out.put("bucket_name", v));
            s3.region().ifPresent(v -> out.put("region", v));
            s3.folder().ifPresent(v -> out.put("folder", v));
            s3.customCa().ifPresent(v -> out.put("custom_ca", "(PEM, " + v.length() + " characters)"));
            s3.accessKey().ifPresent(v -> out.put("access_key", Secret.REDACTED));
            s3.secretKey().ifPresent(v -> out.put("secret_key", Secret.REDACTED));
        });
        return out;
    }
}
