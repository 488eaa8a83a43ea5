package dev.rkebackup.rke.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.config.internal.SourceText;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An RKE cluster config ({@code cluster.yml}, {@code rancher-cluster.yml}) as written, parsed into an immutable model.
 *
 * <p>The model holds what a backup needs (cluster name, nodes, SSH settings, bastion host, {@code services.etcd}
 * backup settings of both generations) and keeps everything else: {@link #tree()} is the whole document and
 * {@link #text()} the exact original text, which {@link ConfigEditor} edits line by line so nothing is lost. Unknown
 * keys (which RKE silently ignores) are listed by {@link #unknownKeys()}.
 *
 * <p>Parsing is bounded: files over 1 MiB, alias bombs, deep nesting and non-UTF-8 bytes are refused with an
 * {@link InvalidInputException} that names the file and, where possible, the line. Types are checked like RKE's YAML
 * decoder does ({@code interval_hours: "six"} or {@code port: [22]} are errors). A config without etcd nodes parses
 * (RKE rejects it only at {@code rke up}); {@link #requireEtcdNodes()} and the inspection report flag it.
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} never shows secrets.
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.load(Path.of("rancher-cluster.yml"));
 * for (RkeNode n : config.requireEtcdNodes()) { ... }
 * Path state = config.stateFilePath().orElseThrow();   // rancher-cluster.rkestate
 * }</pre>
 */
public final class ClusterConfig {
    /** RKE's default {@code cluster_name}. */
    public static final String DEFAULT_CLUSTER_NAME = "local";
    /** RKE's default {@code ssh_key_path}. */
    public static final String DEFAULT_SSH_KEY_PATH = "~/.ssh/id_rsa";

    private final SourceText source;
    private final Path path;
    private final JsonNode tree;
    private final String clusterName;
    private final String kubernetesVersion;
    private final String prefixPath;
    private final String sshKeyPath;
    private final String sshCertPath;
    private final boolean sshAgentAuth;
    private final List<RkeNode> nodes;
    private final BastionHost bastion;
    private final EtcdConfig etcd;
    private final Map<String, Integer> keyLines;
    private final List<String> unknownKeys;
    private final List<String> duplicateKeys;
    private final List<String> truncatedNumbers;

    /** Mutable carrier from the parser to the constructor. */
    static final class Fields {
        SourceText source;
        Path path;
        JsonNode tree;
        String clusterName;
        String kubernetesVersion;
        String prefixPath;
        String sshKeyPath;
        String sshCertPath;
        boolean sshAgentAuth;
        List<RkeNode> nodes;
        BastionHost bastion;
        EtcdConfig etcd;
        Map<String, Integer> keyLines;
        List<String> unknownKeys;
        List<String> duplicateKeys;
        List<String> truncatedNumbers;
    }

    ClusterConfig(Fields f) {
        this.source = f.source;
        this.path = f.path;
        this.tree = f.tree.deepCopy();
        this.clusterName = f.clusterName == null || f.clusterName.isEmpty() ? DEFAULT_CLUSTER_NAME : f.clusterName;
        this.kubernetesVersion = emptyToNull(f.kubernetesVersion);
        this.prefixPath = emptyToNull(f.prefixPath);
        this.sshKeyPath = f.sshKeyPath == null || f.sshKeyPath.isEmpty() ? DEFAULT_SSH_KEY_PATH : f.sshKeyPath;
        this.sshCertPath = emptyToNull(f.sshCertPath);
        this.sshAgentAuth = f.sshAgentAuth;
        this.nodes = List.copyOf(f.nodes);
        this.bastion = f.bastion;
        this.etcd = f.etcd;
        this.keyLines = Map.copyOf(f.keyLines);
        this.unknownKeys = List.copyOf(f.unknownKeys);
        this.duplicateKeys = List.copyOf(f.duplicateKeys);
        this.truncatedNumbers = List.copyOf(f.truncatedNumbers);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * Reads and parses a cluster config file. The file is read once, at most 1 MiB.
     *
     * @param path the cluster.yml
     * @return the parsed config, remembering {@code path} for {@link #stateFilePath()} and edits
     * @throws InvalidInputException if the file is missing, unreadable, too big, not UTF-8, not YAML, or a field has
     *         the wrong type or a node lacks address/user; the message names the file and line
     * @throws NullPointerException if {@code path} is null
     */
    public static ClusterConfig load(Path path) {
        Objects.requireNonNull(path, "path");
        return ConfigParser.parse(SourceText.read(path), path);
    }

    /**
     * Parses cluster config text that does not come from a file (no {@link #sourcePath()}).
     *
     * @param yaml the YAML text
     * @param sourceName how to name the text in messages, e.g. {@code "cluster.yml"}
     * @return the parsed config
     * @throws InvalidInputException like {@link #load(Path)}
     * @throws NullPointerException if an argument is null
     */
    public static ClusterConfig parse(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        return ConfigParser.parse(SourceText.of(yaml, sourceName), null);
    }

    static ClusterConfig parse(SourceText text, Path path) {
        return ConfigParser.parse(text, path);
    }

    /** @return {@code cluster_name}, {@value #DEFAULT_CLUSTER_NAME} when unset */
    public String clusterName() {
        return clusterName;
    }

    /** @return {@code kubernetes_version}; absent means the default of the RKE binary */
    public Optional<String> kubernetesVersion() {
        return Optional.ofNullable(kubernetesVersion);
    }

    /** @return {@code prefix_path}; it never affects {@code /opt/rke/etcd-snapshots} */
    public Optional<String> prefixPath() {
        return Optional.ofNullable(prefixPath);
    }

    /** @return {@code ssh_key_path}, {@value #DEFAULT_SSH_KEY_PATH} when unset (a path on the RKE host) */
    public String sshKeyPath() {
        return sshKeyPath;
    }

    /**
     * The private key file RKE uses for a node: its own {@code ssh_key_path}, else the cluster's. Not used by RKE
     * when the node has an inline {@code ssh_key} or when {@link #sshAgentAuth()} is on.
     *
     * @param node a node of this config
     * @return the key path as written (may start with {@code ~})
     */
    public String sshKeyPathFor(RkeNode node) {
        return node.sshKeyPath().filter(p -> !p.isEmpty()).orElse(sshKeyPath);
    }

    /**
     * The SSH certificate file RKE uses for a node: its own {@code ssh_cert_path}, else the cluster's.
     *
     * @param node a node of this config
     * @return the certificate path, empty when neither is set (or the node has an inline {@code ssh_cert})
     */
    public Optional<String> sshCertPathFor(RkeNode node) {
        if (node.sshCert().isPresent()) {
            return Optional.empty();
        }
        return node.sshCertPath().filter(p -> !p.isEmpty()).or(this::sshCertPath);
    }

    /** @return {@code ssh_cert_path} (RKE v0.2.0+) */
    public Optional<String> sshCertPath() {
        return Optional.ofNullable(sshCertPath);
    }

    /** @return {@code ssh_agent_auth}; when true RKE uses {@code SSH_AUTH_SOCK} and ignores key paths */
    public boolean sshAgentAuth() {
        return sshAgentAuth;
    }

    /** @return the nodes in file order */
    public List<RkeNode> nodes() {
        return nodes;
    }

    /** @return the nodes with the etcd role, in file order; possibly empty */
    public List<RkeNode> etcdNodes() {
        return nodes.stream().filter(RkeNode::isEtcd).toList();
    }

    /**
     * The etcd nodes, required to be non-empty (RKE's own rule).
     *
     * @return the etcd nodes, at least one
     * @throws InvalidInputException if no node has the etcd role
     */
    public List<RkeNode> requireEtcdNodes() {
        List<RkeNode> etcdNodes = etcdNodes();
        if (etcdNodes.isEmpty()) {
            throw new InvalidInputException(source.name() + lineSuffix("nodes") + ": no node has the etcd role (RKE: "
                    + "\"Cluster must have at least one etcd plane host\"). Add `etcd` to `role:` of the nodes that "
                    + "run etcd; there is nothing to snapshot otherwise.");
        }
        return etcdNodes;
    }

    private String lineSuffix(String keyPath) {
        Integer line = keyLines.get(keyPath);
        return line == null ? "" : ": line " + line;
    }

    /** @return {@code bastion_host} when present with an address */
    public Optional<BastionHost> bastionHost() {
        return Optional.ofNullable(bastion);
    }

    /** @return the backup settings of {@code services.etcd} (empty values when the section is absent) */
    public EtcdConfig etcd() {
        return etcd;
    }

    /**
     * Which backup scheme the file is written in: {@link ConfigGeneration#BACKUP_CONFIG} when
     * {@code backup_config} is present, else {@link ConfigGeneration#LEGACY} when {@code snapshot}, {@code creation}
     * or {@code retention} is set, else {@link ConfigGeneration#NONE}.
     *
     * @return the generation
     */
    public ConfigGeneration configGeneration() {
        if (etcd.backupConfig().isPresent()) {
            return ConfigGeneration.BACKUP_CONFIG;
        }
        if (etcd.snapshot().isPresent() || etcd.creation().isPresent() || etcd.retention().isPresent()) {
            return ConfigGeneration.LEGACY;
        }
        return ConfigGeneration.NONE;
    }

    /** @return the file this config was loaded from; absent for {@link #parse(String, String)} */
    public Optional<Path> sourcePath() {
        return Optional.ofNullable(path);
    }

    /** @return the name used in messages (the path, or the name given to {@link #parse(String, String)}) */
    public String sourceName() {
        return source.name();
    }

    /**
     * Where RKE (v0.2.0+) keeps the cluster state for this config: {@code <dir>/<basename without extension>.rkestate}
     * ({@code cluster.yml} → {@code cluster.rkestate}).
     *
     * @return the path; absent when the config was not loaded from a file
     */
    public Optional<Path> stateFilePath() {
        return sourcePath().map(p -> sibling(p, baseName(p.getFileName().toString()) + ".rkestate"));
    }

    /** @return {@code <dir>/kube_config_<file name>}, the admin kubeconfig RKE writes; absent without a file */
    public Optional<Path> kubeconfigPath() {
        return sourcePath().map(p -> sibling(p, "kube_config_" + p.getFileName()));
    }

    private static Path sibling(Path p, String name) {
        Path parent = p.getParent();
        return parent == null ? Path.of(name) : parent.resolve(name);
    }

    private static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** @return the whole document as a Jackson tree (a fresh copy the caller may change), unknown keys included */
    public JsonNode tree() {
        return tree.deepCopy();
    }

    /**
     * Dotted paths of keys RKE does not know (and silently ignores) in the sections the model reads: top level,
     * {@code nodes[i]}, {@code bastion_host}, {@code services}, {@code services.etcd}, {@code backup_config},
     * {@code s3backupconfig}.
     *
     * @return e.g. {@code [services.etcd.backup_config.s3_backup_config]}, in file order
     */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /** @return dotted paths of keys that appear twice in one mapping (the last one wins, as in RKE) */
    public List<String> duplicateKeys() {
        return duplicateKeys;
    }

    /** Dotted paths of whole-number fields written with a fraction (RKE truncates them: 0.5 becomes 0). */
    List<String> truncatedNumbers() {
        return truncatedNumbers;
    }

    /**
     * The 1-based line of a key in the file.
     *
     * @param keyPath dotted path as in {@link #unknownKeys()}, e.g. {@code services.etcd.backup_config.retention}
     * @return the line, empty when the key is not in the file
     */
    public OptionalInt lineOf(String keyPath) {
        Integer line = keyLines.get(keyPath);
        return line == null ? OptionalInt.empty() : OptionalInt.of(line);
    }

    /** @return the exact text of the file (without a byte order mark) */
    public String text() {
        return source.text();
    }

    SourceText source() {
        return source;
    }

    @Override
    public String toString() {
        return "ClusterConfig[source=" + source.name() + ", clusterName=" + clusterName + ", nodes=" + nodes.size()
                + ", etcdNodes=" + etcdNodes().size() + ", generation=" + configGeneration() + "]";
    }
}
