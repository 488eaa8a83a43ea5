package dev.rkebackup.rke.config;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.internal.SafeYaml;
import dev.rkebackup.rke.config.internal.SourceText;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Maps a composed YAML node graph onto the model, checking types the way RKE's yaml.v2 decoding does and naming the
 * file, line and key of every problem. One instance reads one document; not thread-safe.
 */
final class ConfigReader {
    static final Set<String> TOP_LEVEL_KEYS = Set.of("nodes", "services", "network", "authentication", "addons",
            "addons_include", "system_images", "ssh_key_path", "ssh_cert_path", "ssh_agent_auth", "authorization",
            "ignore_docker_version", "enable_cri_dockerd", "kubernetes_version", "private_registries", "ingress",
            "cluster_name", "cloud_provider", "prefix_path", "win_prefix_path", "addon_job_timeout", "bastion_host",
            "monitoring", "restore", "rotate_certificates", "rotate_encryption_key", "dns", "upgrade_strategy");
    static final Set<String> NODE_KEYS = Set.of("address", "port", "internal_address", "role", "hostname_override",
            "user", "docker_socket", "ssh_agent_auth", "ssh_key", "ssh_key_path", "ssh_cert", "ssh_cert_path",
            "labels", "taints", "nodeName");
    static final Set<String> SERVICES_KEYS = Set.of("etcd", "kube-api", "kube-controller", "scheduler", "kubelet",
            "kubeproxy");
    static final Set<String> ETCD_KEYS = Set.of("image", "extra_args", "extra_args_array", "extra_binds",
            "extra_env", "win_extra_args", "win_extra_args_array", "win_extra_binds", "win_extra_env",
            "external_urls", "ca_cert", "cert", "key", "path", "uid", "gid", "snapshot", "retention", "creation",
            "backup_config");
    static final Set<String> BACKUP_KEYS = Set.of("enabled", "interval_hours", "retention", "timeout",
            "safe_timestamp", "s3backupconfig");
    static final Set<String> S3_KEYS = Set.of("access_key", "secret_key", "bucket_name", "region", "endpoint",
            "custom_ca", "folder");
    static final Set<String> BASTION_KEYS = Set.of("address", "port", "user", "ssh_key", "ssh_key_path",
            "ssh_agent_auth", "ssh_cert", "ssh_cert_path", "ignore_proxy_env_vars");

    private final SourceText source;
    private final Map<String, Integer> keyLines = new LinkedHashMap<>();
    private final List<String> unknownKeys = new ArrayList<>();
    private final List<String> duplicateKeys = new ArrayList<>();
    private final List<String> truncated = new ArrayList<>();

    ConfigReader(SourceText source) {
        this.source = source;
    }

    Map<String, Integer> keyLines() {
        return keyLines;
    }

    List<String> unknownKeys() {
        return unknownKeys;
    }

    List<String> duplicateKeys() {
        return duplicateKeys;
    }

    List<String> truncated() {
        return truncated;
    }

    /** Entries of a mapping in file order, last duplicate winning and merge keys resolved like yaml.v2. */
    Map<String, Node> entries(Node node, String path, Set<String> known) {
        MappingNode map = (MappingNode) node;
        Map<String, Node> result = new LinkedHashMap<>();
        Map<String, Node> merged = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            Node k = t.getKeyNode();
            if (k instanceof ScalarNode sk && Tag.MERGE.equals(sk.getTag())) {
                List<Node> sources = t.getValueNode() instanceof SequenceNode seq ? seq.getValue()
                        : List.of(t.getValueNode());
                for (Node src : sources) {
                    if (src instanceof MappingNode m) {
                        for (NodeTuple mt : m.getValue()) {
                            if (mt.getKeyNode() instanceof ScalarNode mk) {
                                merged.putIfAbsent(mk.getValue(), mt.getValueNode());
                            }
                        }
                    }
                }
                continue;
            }
            if (!(k instanceof ScalarNode sk)) {
                throw error(k, path, "has a key that is not a plain name. Use simple `name: value` keys");
            }
            String key = sk.getValue();
            String child = path.isEmpty() ? key : path + "." + key;
            if (result.containsKey(key)) {
                duplicateKeys.add(child);
            }
            result.put(key, t.getValueNode());
            keyLines.put(child, k.getStartMark().getLine() + 1);
            if (known != null && !known.contains(key)) {
                unknownKeys.add(child);
            }
        }
        merged.forEach(result::putIfAbsent);
        return result;
    }

    InvalidInputException error(Node node, String path, String what) {
        int line = node.getStartMark().getLine() + 1;
        return new InvalidInputException(source.name() + ": line " + line + ": " + (path.isEmpty() ? "the document"
                : "`" + path + "`") + " " + what + ".");
    }

    Map<String, Node> mapping(Node node, String path, Set<String> known) {
        if (!(node instanceof MappingNode)) {
            throw error(node, path, "must be a mapping of `key: value` lines, found " + describe(node));
        }
        return entries(node, path, known);
    }

    /** A string field: like yaml.v2, any scalar (also a number) is accepted as its text; null means unset. */
    String string(Map<String, Node> map, String key, String path) {
        Node n = map.get(key);
        if (n == null || SafeYaml.isNull(n)) {
            return null;
        }
        if (!(n instanceof ScalarNode s)) {
            throw error(n, path + "." + key, "must be a single value (text), found " + describe(n));
        }
        return s.getValue();
    }

    Integer integer(Map<String, Node> map, String key, String path, String hint) {
        Node n = map.get(key);
        if (n == null || SafeYaml.isNull(n)) {
            return null;
        }
        if (n instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
            BigInteger v;
            try {
                v = SafeYaml.parseInt(s.getValue());
            } catch (NumberFormatException e) {
                v = null;
            }
            if (v != null && v.bitLength() < 32) {
                return v.intValue();
            }
            throw error(n, path + "." + key, "is out of range: " + s.getValue() + ". " + hint);
        }
        if (n instanceof ScalarNode s && Tag.FLOAT.equals(s.getTag())) {
            // yaml.v2 truncates a float into an int field; do the same, and let the inspection say so
            double d;
            try {
                d = Double.parseDouble(s.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!Double.isNaN(d) && Math.abs(d) < Integer.MAX_VALUE) {
                truncated.add(path + "." + key);
                return (int) d;
            }
        }
        throw error(n, path + "." + key, "must be a whole number, found " + describe(n) + ". " + hint);
    }

    Boolean bool(Map<String, Node> map, String key, String path) {
        Node n = map.get(key);
        if (n == null || SafeYaml.isNull(n)) {
            return null;
        }
        if (n instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
            return SafeYaml.parseBool(s.getValue());
        }
        throw error(n, path + "." + key, "must be true or false, found " + describe(n)
                + ". Write it without quotes, e.g. `" + key + ": true`");
    }

    Secret secret(Map<String, Node> map, String key, String path) {
        Node n = map.get(key);
        if (n == null || SafeYaml.isNull(n)) {
            return null;
        }
        if (!(n instanceof ScalarNode s)) {
            // never describe the value: it may be (part of) a secret
            throw error(n, path + "." + key, "must be a single text value (its content is not shown)");
        }
        return Secret.of(s.getValue());
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) n;
        String v = s.getValue();
        String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        shown = shown.replace("\n", "\\n");
        if (Tag.STR.equals(s.getTag())) {
            return "text \"" + shown + "\"";
        }
        if (Tag.BOOL.equals(s.getTag())) {
            return "boolean " + shown;
        }
        if (Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag())) {
            return "number " + shown;
        }
        return "\"" + shown + "\"";
    }

    List<Node> sequence(Map<String, Node> map, String key, String path) {
        Node n = map.get(key);
        if (n == null || SafeYaml.isNull(n)) {
            return List.of();
        }
        if (!(n instanceof SequenceNode seq)) {
            throw error(n, path.isEmpty() ? key : path + "." + key, "must be a list (`- item` lines), found "
                    + describe(n));
        }
        return seq.getValue();
    }

    static int lineOf(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}
