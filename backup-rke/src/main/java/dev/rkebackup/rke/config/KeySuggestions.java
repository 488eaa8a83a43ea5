package dev.rkebackup.rke.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Suggestions for unknown keys: known misspellings, then the nearest known key of the same section. Stateless. */
final class KeySuggestions {
    private static final Map<String, String> KNOWN_MISTAKES = Map.ofEntries(
            Map.entry("s3_backup_config", "s3backupconfig"), Map.entry("s3backupConfig", "s3backupconfig"),
            Map.entry("s3BackupConfig", "s3backupconfig"), Map.entry("s3_config", "s3backupconfig"),
            Map.entry("s3", "s3backupconfig"), Map.entry("backupConfig", "backup_config"),
            Map.entry("backup", "backup_config"), Map.entry("backups", "backup_config"),
            Map.entry("etcd_backup_config", "services.etcd.backup_config"), Map.entry("etcd", "services.etcd"),
            Map.entry("backup_config", "services.etcd.backup_config"),
            Map.entry("intervalHours", "interval_hours"), Map.entry("interval", "interval_hours"),
            Map.entry("interval_hour", "interval_hours"), Map.entry("safeTimestamp", "safe_timestamp"),
            Map.entry("endpoint_ca", "custom_ca"), Map.entry("customCa", "custom_ca"), Map.entry("ca", "custom_ca"),
            Map.entry("endpointCa", "custom_ca"), Map.entry("s3_endpoint_ca", "custom_ca"),
            Map.entry("bucket", "bucket_name"), Map.entry("bucketName", "bucket_name"),
            Map.entry("accessKey", "access_key"), Map.entry("secretKey", "secret_key"),
            Map.entry("s3_endpoint", "endpoint"), Map.entry("prefix", "folder"), Map.entry("snapshots", "snapshot"),
            Map.entry("sshKeyPath", "ssh_key_path"), Map.entry("internalAddress", "internal_address"),
            Map.entry("hostnameOverride", "hostname_override"), Map.entry("roles", "role"),
            Map.entry("clusterName", "cluster_name"), Map.entry("bastionHost", "bastion_host"));
    private static final Map<String, String> RANCHER_ONLY = Map.of(
            "rancher_kubernetes_engine_config", "the Rancher cluster YAML wrapper; the RKE CLI reads the keys "
                    + "inside it only when they are at the top level",
            "enable_cluster_alerting", "a Rancher key", "enable_cluster_monitoring", "a Rancher key",
            "enable_network_policy", "a Rancher key", "local_cluster_auth_endpoint", "a Rancher key",
            "docker_root_dir", "a Rancher key", "default_pod_security_policy_template_id", "a Rancher key",
            "name", "a Rancher key (the CLI uses cluster_name)");

    private KeySuggestions() {
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        String k = dot >= 0 ? path.substring(dot + 1) : path;
        int bracket = k.indexOf('[');
        return bracket >= 0 ? k.substring(0, bracket) : k;
    }

    private static String section(String path) {
        int dot = path.lastIndexOf('.');
        return dot >= 0 ? path.substring(0, dot) : "";
    }

    static boolean isNearBackupSettings(String path) {
        String section = section(path);
        if (section.equals("services.etcd") || section.startsWith("services.etcd.backup_config")) {
            return true;
        }
        String key = last(path).toLowerCase(Locale.ROOT);
        boolean backupWord = key.contains("backup") || key.contains("snapshot") || key.startsWith("s3")
                || key.equals("etcd");
        return (section.isEmpty() || section.equals("services")) && backupWord;
    }

    static Set<String> known(String section) {
        if (section.isEmpty()) {
            return ConfigReader.TOP_LEVEL_KEYS;
        }
        if (section.equals("services")) {
            return ConfigReader.SERVICES_KEYS;
        }
        if (section.equals("services.etcd")) {
            return ConfigReader.ETCD_KEYS;
        }
        if (section.equals("services.etcd.backup_config")) {
            return ConfigReader.BACKUP_KEYS;
        }
        if (section.equals("services.etcd.backup_config.s3backupconfig")) {
            return ConfigReader.S3_KEYS;
        }
        if (section.equals("bastion_host")) {
            return ConfigReader.BASTION_KEYS;
        }
        if (section.startsWith("nodes[")) {
            return ConfigReader.NODE_KEYS;
        }
        return Set.of();
    }

    static String knownKeysFor(String path) {
        String section = section(path);
        Set<String> keys = new TreeSet<>(known(section));
        if (section.equals("services.etcd")) {
            keys.retainAll(Set.of("snapshot", "creation", "retention", "backup_config"));
        }
        return String.join(", ", keys);
    }

    static String note(String path) {
        String why = RANCHER_ONLY.get(last(path));
        return why != null && section(path).isEmpty() ? " (" + why + ")" : "";
    }

    static Optional<String> suggest(String path) {
        String key = last(path);
        String mistake = KNOWN_MISTAKES.get(key);
        Set<String> known = known(section(path));
        if (mistake != null && (known.contains(mistake) || mistake.contains("."))) {
            return Optional.of(mistake);
        }
        String norm = normalise(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(norm, normalise(candidate));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(1, Math.min(3, norm.length() / 4));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
