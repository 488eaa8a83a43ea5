package dev.rkebackup.rke.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.internal.SafeYaml;
import dev.rkebackup.rke.config.internal.SourceText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Turns source text into a {@link ClusterConfig}. Stateless apart from one {@link ConfigReader} per call. */
final class ConfigParser {
    private ConfigParser() {
    }

    static ClusterConfig parse(SourceText source, Path path) {
        if (source.text().isBlank()) {
            throw new InvalidInputException(source.name() + ": the cluster config is empty. Pass the cluster.yml "
                    + "that `rke up --config` used; it must list at least `nodes:`.");
        }
        Optional<Node> composed = SafeYaml.compose(source);
        if (composed.isEmpty() || SafeYaml.isNull(composed.get())) {
            throw new InvalidInputException(source.name() + ": the cluster config has no content (only comments). "
                    + "Pass the cluster.yml that `rke up --config` used.");
        }
        Node root = composed.get();
        ConfigReader r = new ConfigReader(source);
        if (!(root instanceof MappingNode)) {
            String found = root instanceof SequenceNode ? "a list" : "a single value";
            throw new InvalidInputException(source.name() + ": line " + ConfigReader.lineOf(root)
                    + ": the top level of a cluster config must be a mapping (`nodes:`, `services:` ...), found "
                    + found + ". Check that this is an RKE cluster.yml.");
        }
        JsonNode tree = SafeYaml.toJson(source, root);
        Map<String, Node> top = r.mapping(root, "", ConfigReader.TOP_LEVEL_KEYS);

        ClusterConfig.Fields f = new ClusterConfig.Fields();
        f.source = source;
        f.path = path;
        f.tree = tree;
        f.clusterName = r.string(top, "cluster_name", "");
        f.kubernetesVersion = r.string(top, "kubernetes_version", "");
        f.prefixPath = r.string(top, "prefix_path", "");
        f.sshKeyPath = r.string(top, "ssh_key_path", "");
        f.sshCertPath = r.string(top, "ssh_cert_path", "");
        Boolean agent = r.bool(top, "ssh_agent_auth", "");
        f.sshAgentAuth = agent != null && agent;
        f.nodes = nodes(r, top);
        f.bastion = bastion(r, top);
        f.etcd = etcd(r, top);
        f.keyLines = r.keyLines();
        f.unknownKeys = r.unknownKeys();
        f.duplicateKeys = r.duplicateKeys();
        f.truncatedNumbers = r.truncated();
        return new ClusterConfig(f);
    }

    private static List<RkeNode> nodes(ConfigReader r, Map<String, Node> top) {
        List<RkeNode> nodes = new ArrayList<>();
        List<Node> items = r.sequence(top, "nodes", "");
        for (int i = 0; i < items.size(); i++) {
            String path = "nodes[" + i + "]";
            Node item = items.get(i);
            Map<String, Node> m = r.mapping(item, path, ConfigReader.NODE_KEYS);
            String address = r.string(m, "address", path);
            if (address == null || address.isBlank()) {
                throw r.error(item, path, "has no `address` (RKE: \"Address for host (" + (i + 1)
                        + ") is not provided\"). Add `address: <IP or DNS name>` to this node");
            }
            String user = r.string(m, "user", path);
            if (user == null || user.isBlank()) {
                throw r.error(item, path, "(address " + address + ") has no `user` (RKE: \"User for host ("
                        + (i + 1) + ") is not provided\"). Add `user: <ssh user with docker access>`");
            }
            RkeNode.Builder b = RkeNode.builder(address, user);
            String internal = r.string(m, "internal_address", path);
            if (internal != null) {
                b.internalAddress(internal);
            }
            String port = r.string(m, "port", path);
            if (port != null) {
                b.port(port);
            }
            for (Node roleNode : r.sequence(m, "role", path)) {
                if (!(roleNode instanceof ScalarNode s)) {
                    throw r.error(roleNode, path + ".role", "entries must be etcd, controlplane or worker, found "
                            + ConfigReader.describe(roleNode));
                }
                NodeRole role = NodeRole.fromYaml(s.getValue()).orElseThrow(() -> r.error(roleNode, path + ".role",
                        "has unknown role \"" + s.getValue() + "\". Use etcd, controlplane or worker"));
                b.roles(role);
            }
            String hostname = r.string(m, "hostname_override", path);
            if (hostname != null) {
                b.hostnameOverride(hostname);
            }
            Secret key = r.secret(m, "ssh_key", path);
            if (key != null) {
                b.sshKey(key);
            }
            setIfPresent(r.string(m, "ssh_key_path", path), b::sshKeyPath);
            setIfPresent(r.string(m, "ssh_cert", path), b::sshCert);
            setIfPresent(r.string(m, "ssh_cert_path", path), b::sshCertPath);
            setIfPresent(r.string(m, "docker_socket", path), b::dockerSocket);
            r.bool(m, "ssh_agent_auth", path);
            Node labels = m.get("labels");
            if (labels != null && !SafeYaml.isNull(labels)) {
                Map<String, Node> lm = r.mapping(labels, path + ".labels", null);
                for (String k : lm.keySet()) {
                    String v = r.string(lm, k, path + ".labels");
                    b.label(k, v == null ? "" : v);
                }
            }
            for (Node t : r.sequence(m, "taints", path)) {
                Map<String, Node> tm = r.mapping(t, path + ".taints", null);
                String tk = r.string(tm, "key", path + ".taints");
                if (tk == null || tk.isEmpty()) {
                    throw r.error(t, path + ".taints", "entry has no `key`");
                }
                String tv = r.string(tm, "value", path + ".taints");
                String te = r.string(tm, "effect", path + ".taints");
                b.taint(new Taint(tk, tv == null ? "" : tv, te == null ? "" : te));
            }
            nodes.add(b.build());
        }
        return nodes;
    }

    private static void setIfPresent(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static BastionHost bastion(ConfigReader r, Map<String, Node> top) {
        Node n = top.get("bastion_host");
        if (n == null || SafeYaml.isNull(n)) {
            return null;
        }
        Map<String, Node> m = r.mapping(n, "bastion_host", ConfigReader.BASTION_KEYS);
        String address = r.string(m, "address", "bastion_host");
        if (address == null || address.isBlank()) {
            // RKE treats a bastion without address as "no bastion"
            return null;
        }
        r.bool(m, "ssh_agent_auth", "bastion_host");
        return new BastionHost(address, r.string(m, "port", "bastion_host"), r.string(m, "user", "bastion_host"),
                r.secret(m, "ssh_key", "bastion_host"), r.string(m, "ssh_key_path", "bastion_host"),
                r.string(m, "ssh_cert", "bastion_host"), r.string(m, "ssh_cert_path", "bastion_host"));
    }

    private static EtcdConfig etcd(ConfigReader r, Map<String, Node> top) {
        Node services = top.get("services");
        if (services == null || SafeYaml.isNull(services)) {
            return new EtcdConfig(null, null, null, null);
        }
        Map<String, Node> sm = r.mapping(services, "services", ConfigReader.SERVICES_KEYS);
        Node etcd = sm.get("etcd");
        if (etcd == null || SafeYaml.isNull(etcd)) {
            return new EtcdConfig(null, null, null, null);
        }
        String path = "services.etcd";
        Map<String, Node> em = r.mapping(etcd, path, ConfigReader.ETCD_KEYS);
        Boolean snapshot = r.bool(em, "snapshot", path);
        String creation = r.string(em, "creation", path);
        String retention = r.string(em, "retention", path);
        BackupConfig backup = null;
        Node bc = em.get("backup_config");
        if (bc != null && !SafeYaml.isNull(bc)) {
            String bp = path + ".backup_config";
            Map<String, Node> bm = r.mapping(bc, bp, ConfigReader.BACKUP_KEYS);
            Integer interval = r.integer(bm, "interval_hours", bp, "Write the hours between snapshots, e.g. "
                    + "`interval_hours: 6`");
            Integer keep = r.integer(bm, "retention", bp, "Write how many snapshots to keep (a count, not days), "
                    + "e.g. `retention: 6`");
            Integer timeout = r.integer(bm, "timeout", bp, "Write seconds, e.g. `timeout: 300`");
            S3BackupConfig s3 = null;
            Node s3n = bm.get("s3backupconfig");
            if (s3n != null && !SafeYaml.isNull(s3n)) {
                s3 = s3(r, s3n, bp + ".s3backupconfig");
            }
            backup = new BackupConfig(r.bool(bm, "enabled", bp), interval, keep, timeout,
                    r.bool(bm, "safe_timestamp", bp), s3);
        }
        return new EtcdConfig(snapshot, creation, retention, backup);
    }

    private static S3BackupConfig s3(ConfigReader r, Node n, String path) {
        Map<String, Node> m = r.mapping(n, path, ConfigReader.S3_KEYS);
        S3BackupConfig.Builder b = S3BackupConfig.builder();
        Secret ak = r.secret(m, "access_key", path);
        if (ak != null) {
            b.accessKey(ak);
        }
        Secret sk = r.secret(m, "secret_key", path);
        if (sk != null) {
            b.secretKey(sk);
        }
        setIfPresent(r.string(m, "bucket_name", path), b::bucketName);
        setIfPresent(r.string(m, "region", path), b::region);
        setIfPresent(r.string(m, "endpoint", path), b::endpoint);
        setIfPresent(r.string(m, "custom_ca", path), b::customCa);
        setIfPresent(r.string(m, "folder", path), b::folder);
        return b.build();
    }
}
