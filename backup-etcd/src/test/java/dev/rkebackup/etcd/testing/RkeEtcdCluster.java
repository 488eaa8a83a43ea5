package dev.rkebackup.etcd.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster (Debian {@code etcd-server}) set up the way RKE sets up its etcd plane: every member on its own
 * address (127.0.0.1, .2, .3 ... all on one client port), TLS for clients and peers with client-certificate
 * authentication, certificates from {@link Pki} (PKCS#1 keys), and an {@code .rkestate} written as RKE writes it
 * ({@code currentState}/{@code desiredState} with {@code certificatesBundle} entries {@code kube-ca}, {@code
 * kube-node}, {@code kube-etcd-<addr>}). {@link #loadRegistry} fills a Kubernetes-like key space under
 * {@code /registry/}.
 *
 * <p>Register it on a static field with {@code @RegisterExtension} to share one cluster per test class. Thread-safety:
 * methods are synchronized.
 */
public final class RkeEtcdCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COUNT = Pattern.compile("\"count\":(\\d+)");
    private static final Pattern REVISION = Pattern.compile("\"revision\":(\\d+)");

    private final int memberCount;
    private final int firstAddress;
    private final String name;
    private Pki pki;
    private Path root;
    private int clientPort;
    private int peerPort;
    private final List<Process> processes = new ArrayList<>();

    private RkeEtcdCluster(int memberCount, int firstAddress, String name, Pki pki) {
        this.memberCount = memberCount;
        this.firstAddress = firstAddress;
        this.name = name;
        this.pki = pki;
    }

    /**
     * A cluster of {@code members} on 127.0.0.1 upwards with its own CA.
     *
     * @param members how many
     * @return the (not yet started) cluster
     */
    public static RkeEtcdCluster of(int members) {
        return new RkeEtcdCluster(members, 1, "c1", null);
    }

    /**
     * Another, separate cluster whose member(s) sit on 127.0.0.{firstAddress}... and whose certificates come from
     * {@code sharedPki} (the same CA as the first cluster: a foreign member that TLS alone cannot tell apart).
     *
     * @param members how many
     * @param firstAddress the last octet of the first member's address
     * @param sharedPki the PKI to issue from
     * @return the cluster
     */
    public static RkeEtcdCluster foreign(int members, int firstAddress, Pki sharedPki) {
        return new RkeEtcdCluster(members, firstAddress, "c" + firstAddress, sharedPki);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Generates the certificates, starts the members and waits until they are healthy. */
    public synchronized void start() {
        if (!processes.isEmpty()) {
            return;
        }
        Path etcd = TestBinaries.require("etcd", "etcd-server");
        TestBinaries.require("etcdctl", "etcd-client");
        try {
            root = Files.createTempDirectory("rke-etcd-" + name + "-");
            if (pki == null) {
                Path dir = Files.createDirectories(root.resolve("pki"));
                pki = Pki.create(dir, "kube-ca");
                pki.issue("kube-node", "/O=system:nodes/CN=system:node", null, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sans = "IP:127.0.0.1,DNS:localhost" + addresses().stream().map(a -> ",IP:" + a)
                .reduce("", String::concat);
        for (String a : addresses()) {
            if (!Files.exists(pki.file(certName(a) + ".pem"))) {
                pki.issue(certName(a), "/CN=kube-etcd", sans, false);
            }
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            clientPort = freePort();
            peerPort = freePort();
            try {
                launchAll(etcd);
                waitHealthy(30);
                return;
            } catch (IllegalStateException e) {
                last = e;
                killAll();
            }
        }
        throw last;
    }

    private void launchAll(Path etcd) {
        StringBuilder initial = new StringBuilder();
        for (String a : addresses()) {
            initial.append(initial.length() == 0 ? "" : ",").append(memberName(a)).append("=https://").append(a)
                    .append(':').append(peerPort);
        }
        String token = "tok-" + root.getFileName();
        for (String a : addresses()) {
            processes.add(launch(etcd, a, initial.toString(), token, "new"));
        }
    }

    private Process launch(Path etcd, String a, String initial, String token, String state) {
        String cert = pki.file(certName(a) + ".pem").toString();
        String key = pki.file(certName(a) + "-key.pem").toString();
        String ca = pki.caCert().toString();
        List<String> cmd = List.of(etcd.toString(), "--name", memberName(a),
                "--data-dir", root.resolve("data-" + a).toString(),
                "--listen-client-urls", "https://" + a + ":" + clientPort,
                "--advertise-client-urls", "https://" + a + ":" + clientPort,
                "--listen-peer-urls", "https://" + a + ":" + peerPort,
                "--initial-advertise-peer-urls", "https://" + a + ":" + peerPort,
                "--initial-cluster", initial, "--initial-cluster-state", state, "--initial-cluster-token", token,
                "--listen-metrics-urls", "",
                "--cert-file", cert, "--key-file", key, "--client-cert-auth", "--trusted-ca-file", ca,
                "--peer-cert-file", cert, "--peer-key-file", key, "--peer-client-cert-auth",
                "--peer-trusted-ca-file", ca,
                "--max-txn-ops", "100000", "--max-request-bytes", "33554432",
                "--quota-backend-bytes", String.valueOf(8L << 30), "--logger", "zap");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(memberName(a) + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start etcd: " + e.getMessage(), e);
        }
    }

    private void waitHealthy(int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String err = "";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (p != null && !p.isAlive()) {
                    throw new IllegalStateException("an etcd member exited during start-up; logs in " + root);
                }
            }
            Result r = etcdctl(List.of("endpoint", "health"), null, liveEndpoints());
            if (r.code == 0) {
                return;
            }
            err = r.out;
            sleep(150);
        }
        throw new IllegalStateException("etcd cluster " + name + " did not become healthy: " + err + "; logs in "
                + root);
    }

    /**
     * The members' addresses, e.g. {@code 127.0.0.1}.
     *
     * @return one per member
     */
    public List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            out.add("127.0.0." + (firstAddress + i));
        }
        return out;
    }

    /**
     * The common client port.
     *
     * @return the port
     */
    public synchronized int clientPort() {
        return clientPort;
    }

    /**
     * The PKI the certificates come from.
     *
     * @return the PKI
     */
    public synchronized Pki pki() {
        return pki;
    }

    /**
     * The client URLs.
     *
     * @return one {@code https://addr:port} per member
     */
    public synchronized List<String> endpoints() {
        return addresses().stream().map(a -> "https://" + a + ":" + clientPort).toList();
    }

    private List<String> liveEndpoints() {
        List<String> out = new ArrayList<>();
        List<String> all = endpoints();
        for (int i = 0; i < all.size(); i++) {
            if (processes.size() > i && processes.get(i) != null && processes.get(i).isAlive()) {
                out.add(all.get(i));
            }
        }
        return out.isEmpty() ? all : out;
    }

    /**
     * Writes an {@code .rkestate} as RKE does, with the given client certificate entry as {@code kube-node}.
     *
     * @param file where
     * @param clientName file stem of the certificate to put under {@code kube-node} (normally {@code kube-node})
     * @param clientKeyFile the key file to put under {@code kube-node}'s {@code keyPEM}
     * @param nodes the cluster's etcd node addresses
     * @return the file
     */
    public synchronized Path writeStateFile(Path file, String clientName, String clientKeyFile, List<String> nodes) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.set("kube-ca", entry("kube-ca", pki.read(pki.caName() + ".pem"), pki.read(pki.caName() + "-key.pem")));
        bundle.set("kube-node", entry("kube-node", pki.read(clientName + ".pem"), pki.read(clientKeyFile)));
        for (String a : nodes) {
            if (Files.exists(pki.file(certName(a) + ".pem"))) {
                bundle.set(certName(a), entry(certName(a), pki.read(certName(a) + ".pem"),
                        pki.read(certName(a) + "-key.pem")));
            }
        }
        ObjectNode rkeConfig = JSON.createObjectNode();
        ArrayNode ns = rkeConfig.putArray("nodes");
        for (String a : nodes) {
            ns.addObject().put("address", a).put("internal_address", a).put("user", "rke")
                    .putArray("role").add("etcd").add("controlplane").add("worker");
        }
        ObjectNode state = JSON.createObjectNode();
        for (String part : List.of("desiredState", "currentState")) {
            ObjectNode s = state.putObject(part);
            s.set("rkeConfig", rkeConfig.deepCopy());
            s.set("certificatesBundle", bundle.deepCopy());
            s.put("encryptionConfig", "");
        }
        try {
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Writes the standard {@code .rkestate} ({@code kube-node} with its PKCS#1 key) for this cluster's addresses.
     *
     * @param file where
     * @return the file
     */
    public Path writeStateFile(Path file) {
        return writeStateFile(file, "kube-node", "kube-node-key.pem", addresses());
    }

    private static ObjectNode entry(String name, String cert, String key) {
        ObjectNode e = JSON.createObjectNode();
        e.put("certificatePEM", cert).put("keyPEM", key).put("config", "").put("name", name)
                .put("commonName", name).put("ouName", "").put("envName", name.toUpperCase().replace('-', '_'))
                .put("path", "/etc/kubernetes/ssl/" + name + ".pem")
                .put("keyEnvName", name.toUpperCase().replace('-', '_') + "_KEY")
                .put("keyPath", "/etc/kubernetes/ssl/" + name + "-key.pem").put("configEnvName", "")
                .put("configPath", "");
        return e;
    }

    /**
     * Fills a Kubernetes-like key space: namespaces, secrets, configmaps, pods, services and one
     * {@code /registry/minions/<addr>} per node.
     *
     * @param pods how many pods (each with a ~1.5 KB value)
     * @param seed random seed for the values
     */
    public synchronized void loadRegistry(int pods, long seed) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (String ns : List.of("default", "kube-system", "kube-public", "cattle-system", "ingress-nginx")) {
            lines.add(putLine("/registry/namespaces/" + ns, value(r, 300)));
            for (int i = 0; i < 6; i++) {
                lines.add(putLine("/registry/secrets/" + ns + "/token-" + i, value(r, 900)));
                lines.add(putLine("/registry/configmaps/" + ns + "/cm-" + i, value(r, 600)));
            }
        }
        lines.add(putLine("/registry/services/specs/default/kubernetes", value(r, 400)));
        for (String a : addresses()) {
            lines.add(putLine("/registry/minions/" + a, value(r, 2000)));
        }
        for (int i = 0; i < pods; i++) {
            lines.add(putLine("/registry/pods/kube-system/pod-" + i, value(r, 1500)));
        }
        for (int from = 0; from < lines.size(); from += 500) {
            StringBuilder txn = new StringBuilder("\n");
            lines.subList(from, Math.min(lines.size(), from + 500)).forEach(l -> txn.append(l).append('\n'));
            txn.append("\n\n");
            Result res = etcdctl(List.of("txn"), txn.toString(), liveEndpoints().subList(0, 1));
            if (res.code != 0) {
                throw new IllegalStateException("etcdctl txn failed: " + res.out);
            }
        }
    }

    /**
     * Puts one key.
     *
     * @param key the key
     * @param value the value
     */
    public synchronized void put(String key, String value) {
        Result res = etcdctl(List.of("put", key, value), null, liveEndpoints().subList(0, 1));
        if (res.code != 0) {
            throw new IllegalStateException("etcdctl put failed: " + res.out);
        }
    }

    /**
     * Counts keys under a prefix.
     *
     * @param prefix the prefix
     * @return the count
     */
    public synchronized long keyCount(String prefix) {
        Result res = etcdctl(List.of("get", prefix, "--prefix", "--keys-only", "--limit=1", "-w", "json"), null,
                liveEndpoints().subList(0, 1));
        Matcher m = COUNT.matcher(res.out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * The current revision.
     *
     * @return the revision
     */
    public synchronized long revision() {
        Result res = etcdctl(List.of("get", "/", "--prefix", "--keys-only", "--limit=1", "-w", "json"), null,
                liveEndpoints().subList(0, 1));
        Matcher m = REVISION.matcher(res.out);
        if (!m.find()) {
            throw new IllegalStateException("no revision in " + res.out);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Saves a snapshot with {@code etcdctl snapshot save} from one member.
     *
     * @param member the member index
     * @param target the file
     * @return the file
     */
    public synchronized Path etcdctlSnapshot(int member, Path target) {
        Result res = etcdctl(List.of("snapshot", "save", target.toString()), null, List.of(endpoints().get(member)));
        if (res.code != 0) {
            throw new IllegalStateException("etcdctl snapshot save failed: " + res.out);
        }
        return target;
    }

    /**
     * Stops one member (SIGKILL).
     *
     * @param member the index
     */
    public synchronized void stopMember(int member) {
        Process p = processes.get(member);
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            processes.set(member, null);
        }
    }

    /**
     * Starts a stopped member again on its data directory and waits until the cluster is healthy.
     *
     * @param member the index
     */
    public synchronized void startMember(int member) {
        if (processes.get(member) == null) {
            String a = addresses().get(member);
            StringBuilder initial = new StringBuilder();
            for (String x : addresses()) {
                initial.append(initial.length() == 0 ? "" : ",").append(memberName(x)).append("=https://")
                        .append(x).append(':').append(peerPort);
            }
            processes.set(member, launch(TestBinaries.require("etcd", "etcd-server"), a, initial.toString(),
                    "tok-" + root.getFileName(), "existing"));
            waitHealthy(30);
        }
    }

    /** The result of one etcdctl run. */
    public record Result(int code, String out) {
    }

    /**
     * Runs etcdctl with this cluster's TLS client settings.
     *
     * @param args the arguments
     * @param stdin input, or null
     * @param endpoints the endpoints
     * @return exit code and combined output
     */
    public synchronized Result etcdctl(List<String> args, String stdin, List<String> endpoints) {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestBinaries.require("etcdctl", "etcd-client").toString());
        cmd.add("--dial-timeout=2s");
        cmd.add("--command-timeout=60s");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ETCD"));
        env.put("ETCDCTL_API", "3");
        env.put("ETCDCTL_ENDPOINTS", String.join(",", endpoints));
        env.put("ETCDCTL_CACERT", pki.caCert().toString());
        env.put("ETCDCTL_CERT", pki.file("kube-node.pem").toString());
        env.put("ETCDCTL_KEY", pki.file("kube-node-key.pem").toString());
        try {
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The name RKE gives a member's certificate: {@code kube-etcd-} plus the address with dots as dashes.
     *
     * @param address the address
     * @return the name
     */
    public static String certName(String address) {
        return "kube-etcd-" + address.replace('.', '-');
    }

    private static String memberName(String address) {
        return "etcd-" + address.replace('.', '-');
    }

    private static String putLine(String key, String value) {
        return "put " + key + " \"" + value + "\"";
    }

    private static String value(Random r, int size) {
        StringBuilder b = new StringBuilder(size);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < size; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /**
     * The temp directory (data dirs, logs, PKI).
     *
     * @return it
     */
    public synchronized Path root() {
        return root;
    }

    private void killAll() {
        for (Process p : processes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            if (p != null) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        processes.clear();
        for (String a : addresses()) {
            deleteTree(root.resolve("data-" + a));
        }
    }

    /** Kills every member and removes the data directories (the PKI goes with the temp dir). */
    @Override
    public synchronized void close() {
        killAll();
        if (root != null) {
            deleteTree(root);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
