package dev.rkebackup.rke.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Installs the {@code rke} stand-in (a Python 3 script, {@code src/test/resources/rke-standin/rke}) into a
 * directory, configured for one emulated RKE version and a set of nodes whose snapshots come from a real
 * {@link EtcdCluster}.
 *
 * <p>The stand-in follows {@code shared/reference/rke-facts.md}: {@code --version}, urfave/cli flags per version
 * (unknown flag: {@code Incorrect Usage} on stdout, fatal line, exit 1), logrus text lines on stderr (v0.1.x) or
 * stdout (v0.2.0+), exact snapshot-save messages and exit codes, {@code %!s(int=N)} partial failures (v1.3.13+),
 * the panic with exit 2 after a save without {@code backup_config} (v1.3.13–14, v1.4.0–2), unreachable hosts
 * dropped. Files land in {@code <node root>/opt/rke/etcd-snapshots/}: {@code <name>} before v0.2.5, else
 * {@code <name>.zip} with {@code /backup/<name>} and (v1.1.5+, when {@code <config>.rkestate} exists)
 * {@code /etc/kubernetes/<name>.rkestate}, mode 0600 from v0.2.7; {@code pki.bundle.tar.gz} for v0.1.8–v0.1.x.
 * S3 uploads go to a directory ({@link #s3Object}); a bucket exists when {@link Builder#bucket} created it, and
 * the keys must match {@link Builder#s3Credentials} (the stand-in only knows the secret's SHA-256).
 *
 * <pre>{@code
 * RkeStandin rke = RkeStandin.builder("v1.3.15", tempDir)
 *         .etcd(ETCD)
 *         .node("10.0.0.1", 0).node("10.0.0.2", 1, Fault.SNAPSHOT_FAIL).unreachableNode("10.0.0.9")
 *         .s3Credentials("AKIA...", Secret.of("..."))
 *         .bucket("backups")
 *         .build();
 * Files.writeString(configFile, rke.clusterYaml(""));
 * // run rke.executable() ... then:
 * rke.invocations().get(0).argv();
 * }</pre>
 * Needs {@code /usr/bin/python3} with PyYAML (Debian: {@code python3 python3-yaml}). Thread-safety: build once,
 * then read-only; {@link #invocations()} may be called any time.
 */
public final class RkeStandin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ETCD_ROLES = "[etcd, controlplane, worker]";

    /** Faults the stand-in can inject for one node. */
    public enum Fault {
        /** SSH fails: {@code Failed to set up SSH tunneling ...}, {@code Removing host [...] from node lists}. */
        UNREACHABLE("unreachable"),
        /** rke-tools exits 1 ({@code Failed to take etcd snapshot: context deadline exceeded}). */
        SNAPSHOT_FAIL("snapshot-fail"),
        /** v1.3.13+: {@code etcd is not running on host [...]}; earlier versions: the container fails. */
        ETCD_NOT_RUNNING("etcd-not-running"),
        /** Local snapshot written, S3 upload fails ({@code failed to upload etcd snapshot file to s3 ...}). */
        UPLOAD_FAIL("upload-fail"),
        /** {@code Container [etcd-snapshot-once] did not exit in time on host [...]}. */
        CONTAINER_TIMEOUT("container-timeout"),
        /** The process hangs (sleeps an hour) when it reaches this node, for timeout tests. */
        HANG("hang");

        private final String wire;

        Fault(String wire) {
            this.wire = wire;
        }
    }

    private final Path dir;
    private final Path records;
    private final Path s3Root;
    private final Map<String, Path> nodeRoots;
    private final Map<String, String> yamlRoles;

    private RkeStandin(Path dir, Path records, Path s3Root, Map<String, Path> nodeRoots,
            Map<String, String> yamlRoles) {
        this.dir = dir;
        this.records = records;
        this.s3Root = s3Root;
        this.nodeRoots = Map.copyOf(nodeRoots);
        this.yamlRoles = new LinkedHashMap<>(yamlRoles);
    }

    /**
     * Starts configuring a stand-in.
     *
     * @param version the emulated RKE version, {@code vX.Y.Z}
     * @param directory an empty directory to install into (e.g. a {@code @TempDir}); {@code bin/rke} goes there
     * @return a builder
     */
    public static Builder builder(String version, Path directory) {
        return new Builder(version, directory);
    }

    /**
     * Returns the executable stand-in ({@code <dir>/bin/rke}).
     *
     * @return the path to run
     */
    public Path executable() {
        return dir.resolve("bin").resolve("rke");
    }

    /**
     * Returns the snapshot directory of a node ({@code <node root>/opt/rke/etcd-snapshots}).
     *
     * @param address the node address as in cluster.yml
     * @return the directory (exists once a snapshot was written)
     */
    public Path snapshotDir(String address) {
        return nodeRoot(address).resolve("opt/rke/etcd-snapshots");
    }

    /**
     * Returns the root directory standing in for a node's filesystem.
     *
     * @param address the node address as in cluster.yml
     * @return the root directory
     */
    public Path nodeRoot(String address) {
        Path root = nodeRoots.get(address);
        if (root == null) {
            throw new IllegalArgumentException("no reachable stand-in node " + address + "; known: "
                    + nodeRoots.keySet());
        }
        return root;
    }

    /**
     * Returns where the fake S3 keeps an object.
     *
     * @param bucket the bucket
     * @param key the object key
     * @return the file path (may not exist)
     */
    public Path s3Object(String bucket, String key) {
        return s3Root.resolve(bucket).resolve(key);
    }

    /**
     * Returns the directory everything was installed into (script, fixture JSON, records, node roots, fake S3).
     *
     * @return the installation directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * Returns a cluster.yml text with every configured node in the order added (reachable and unreachable
     * {@link Builder#node etcd nodes}: {@code role: [etcd, controlplane, worker]}; {@link Builder#unreachableWorker}:
     * {@code role: [worker]}), followed by {@code extraYaml} verbatim (e.g. a {@code services:} block).
     *
     * @param extraYaml YAML appended after the node list; may be empty
     * @return the YAML text
     */
    public String clusterYaml(String extraYaml) {
        StringBuilder y = new StringBuilder("nodes:\n");
        yamlRoles.forEach((address, roles) -> y.append("- address: ").append(address).append("\n  user: rke\n")
                .append("  role: ").append(roles).append('\n'));
        return y.append(extraYaml).toString();
    }

    /**
     * Returns every recorded invocation, oldest first.
     *
     * @return the invocations (empty when the stand-in never ran)
     */
    public List<Invocation> invocations() {
        if (!Files.exists(records)) {
            return List.of();
        }
        try {
            List<Invocation> out = new ArrayList<>();
            for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
                out.add(new Invocation(JSON.readTree(line)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One recorded run of the stand-in: {@code argv}, {@code env}, {@code configPath}, {@code configMode},
     * {@code configDirMode}, {@code s3} (secrets only as SHA-256), {@code written} hosts, {@code recurring}
     * settings of {@code rke up}, {@code exit}.
     *
     * @param json the raw record
     */
    public record Invocation(JsonNode json) {
        /**
         * Returns the arguments the stand-in was started with ({@code argv[0]} is its path).
         *
         * @return the argv
         */
        public List<String> argv() {
            List<String> out = new ArrayList<>();
            json.get("argv").forEach(a -> out.add(a.asText()));
            return out;
        }

        /**
         * Returns the environment the stand-in saw.
         *
         * @return name to value
         */
        public Map<String, String> env() {
            Map<String, String> out = new LinkedHashMap<>();
            json.get("env").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        }

        /**
         * Returns a text field of the record.
         *
         * @param field e.g. {@code configPath}, {@code configMode}, {@code command}, {@code snapshotName}
         * @return the value or "" when absent
         */
        public String text(String field) {
            JsonNode n = json.path(field);
            return n.isMissingNode() || n.isNull() ? "" : n.asText();
        }
    }

    /** Configures a {@link RkeStandin}. Not thread-safe. */
    public static final class Builder {
        private final String version;
        private final Path dir;
        private final ObjectNode nodes = JSON.createObjectNode();
        private final Map<String, String> yamlRoles = new LinkedHashMap<>();
        private final List<String> buckets = new ArrayList<>();
        private EtcdCluster etcd;
        private String accessKey = "";
        private Secret secretKey = Secret.of("");
        private boolean tty;
        private boolean hang;
        private boolean hangChild;
        private boolean upFails;

        private Builder(String version, Path dir) {
            if (!version.matches("v\\d+\\.\\d+\\.\\d+")) {
                throw new IllegalArgumentException("stand-in version must look like v1.3.15, got " + version);
            }
            this.version = version;
            this.dir = dir;
        }

        /**
         * Sets the etcd cluster the nodes take their snapshots from. Required before {@link #node}.
         *
         * @param cluster a started cluster
         * @return this builder
         */
        public Builder etcd(EtcdCluster cluster) {
            this.etcd = cluster;
            return this;
        }

        /**
         * Adds a reachable node backed by one etcd member.
         *
         * @param address the address used in cluster.yml
         * @param etcdMember the member index whose endpoint this node snapshots
         * @param faults faults to inject for this node
         * @return this builder
         */
        public Builder node(String address, int etcdMember, Fault... faults) {
            Objects.requireNonNull(etcd, "call etcd(...) before node(...)");
            ObjectNode n = nodes.putObject(address);
            n.put("root", dir.resolve("nodes").resolve(address).toString());
            n.put("endpoint", etcd.clientEndpoint(etcdMember));
            yamlRoles.put(address, ETCD_ROLES);
            ArrayNode f = n.putArray("faults");
            for (Fault fault : faults) {
                f.add(fault.wire);
            }
            return this;
        }

        /**
         * Adds a reachable node whose snapshots come from any etcd endpoint (for example a TLS cluster of another
         * fixture; {@code snapshot-save} then needs that endpoint to accept plain etcdctl, restore does not).
         *
         * @param address the address used in cluster.yml
         * @param etcdEndpoint the endpoint URL
         * @return this builder
         */
        public Builder node(String address, String etcdEndpoint) {
            ObjectNode n = nodes.putObject(address);
            n.put("root", dir.resolve("nodes").resolve(address).toString());
            n.put("endpoint", etcdEndpoint);
            yamlRoles.put(address, ETCD_ROLES);
            n.putArray("faults");
            return this;
        }

        /**
         * Adds a node that is listed in cluster.yml but cannot be reached over SSH (it is dropped by RKE).
         *
         * @param address the address used in cluster.yml
         * @return this builder
         */
        public Builder unreachableNode(String address) {
            yamlRoles.put(address, ETCD_ROLES);
            return this;
        }

        /**
         * Adds a worker-only node (not etcd) that cannot be reached over SSH.
         *
         * @param address the address used in cluster.yml
         * @return this builder
         */
        public Builder unreachableWorker(String address) {
            yamlRoles.put(address, "[worker]");
            return this;
        }

        /**
         * Sets the only S3 credentials the fake S3 accepts.
         *
         * @param accessKey the access key
         * @param secretKey the secret key (only its SHA-256 is written to disk)
         * @return this builder
         */
        public Builder s3Credentials(String accessKey, Secret secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /**
         * Creates a bucket in the fake S3.
         *
         * @param name the bucket name
         * @return this builder
         */
        public Builder bucket(String name) {
            buckets.add(name);
            return this;
        }

        /**
         * Makes the stand-in write logrus' TTY format ({@code INFO[0001] msg}) although no TTY is attached.
         *
         * @param value true for the TTY format
         * @return this builder
         */
        public Builder tty(boolean value) {
            this.tty = value;
            return this;
        }

        /**
         * Makes {@code snapshot-save} hang (after the tunnelling lines) until killed.
         *
         * @param value true to hang
         * @return this builder
         */
        public Builder hang(boolean value) {
            this.hang = value;
            return this;
        }

        /**
         * Makes {@code snapshot-save} hang like {@link #hang(boolean)}, with a child process that inherits the output
         * pipes and hangs too; its pid is recorded as {@code childPid} in the invocation.
         *
         * @return this builder
         */
        public Builder hangWithChild() {
            this.hang = true;
            this.hangChild = true;
            return this;
        }

        /**
         * Makes {@code rke up} fail with a fatal etcd-plane error (exit 1).
         *
         * @param value true to fail
         * @return this builder
         */
        public Builder upFails(boolean value) {
            this.upFails = value;
            return this;
        }

        /**
         * Installs the script and its fixture file.
         *
         * @return the installed stand-in
         */
        public RkeStandin build() {
            try {
                Path bin = Files.createDirectories(dir.resolve("bin"));
                Path s3 = Files.createDirectories(dir.resolve("s3"));
                for (String b : buckets) {
                    Files.createDirectories(s3.resolve(b));
                }
                Path script = bin.resolve("rke");
                try (InputStream in = RkeStandin.class.getResourceAsStream("/rke-standin/rke")) {
                    Objects.requireNonNull(in, "test resource /rke-standin/rke is missing");
                    Files.copy(in, script);
                }
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
                    throw new IllegalStateException("the rke stand-in needs /usr/bin/python3 with PyYAML: "
                            + "apt-get install -y python3 python3-yaml");
                }
                Path records = dir.resolve("invocations.jsonl");
                ObjectNode fixture = JSON.createObjectNode();
                fixture.put("version", version);
                fixture.put("etcdctl", etcd == null ? "/usr/bin/etcdctl" : etcd.etcdctlBinary().toString());
                fixture.put("records", records.toString());
                fixture.put("s3Root", s3.toString());
                fixture.putObject("s3Credentials").put("accessKey", accessKey)
                        .put("secretKeySha256", sha256(secretKey.reveal()));
                fixture.put("tty", tty).put("hang", hang).put("hangChild", hangChild).put("upFails", upFails);
                fixture.set("nodes", nodes);
                Files.writeString(bin.resolve("rke-standin.json"), JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(fixture));
                Map<String, Path> roots = new LinkedHashMap<>();
                nodes.properties().forEach(e -> roots.put(e.getKey(), Path.of(e.getValue().get("root")
                        .asText())));
                for (Path root : roots.values()) {
                    Files.createDirectories(root);
                }
                return new RkeStandin(dir, records, s3, roots, yamlRoles);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot install the rke stand-in into " + dir, e);
            }
        }

        private static String sha256(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
