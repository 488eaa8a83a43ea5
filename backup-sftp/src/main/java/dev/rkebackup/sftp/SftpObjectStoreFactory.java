package dev.rkebackup.sftp;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreFactory;
import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshKey;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Opens {@link SftpObjectStore}s for {@code sftp://} locations; registered with {@link java.util.ServiceLoader}.
 *
 * <p>Form: {@code sftp://USER@HOST[:PORT]/ABSOLUTE/PATH[?option=value&...]}; {@code sftp://USER@HOST/~/dir} is
 * {@code dir} under the login directory. Options:
 * <ul>
 *   <li>{@code known-hosts=FILE}: the known-hosts file (default {@code ~/.ssh/known_hosts}); unknown or changed
 *       host keys are refused, never accepted silently, and the file is never written</li>
 *   <li>{@code identity=FILE}: a private key file (RSA or ed25519, no passphrase)</li>
 *   <li>{@code agent=true}: the keys of the SSH agent at {@code SSH_AUTH_SOCK}</li>
 *   <li>{@code pool-size=N}: the most SSH connections at once (default 4)</li>
 *   <li>{@code connect-timeout=SECONDS} (default 30)</li>
 * </ul>
 * Without {@code identity} or {@code agent}, the agent is used when {@code SSH_AUTH_SOCK} is set, else
 * {@code ~/.ssh/id_ed25519}, else {@code ~/.ssh/id_rsa}. Passwords are not accepted in the URI (it ends up in shell
 * history and process lists); passphrase-protected keys work through the agent.
 */
public final class SftpObjectStoreFactory implements ObjectStoreFactory {
    private static final Set<String> OPTIONS = Set.of("known-hosts", "identity", "agent", "pool-size",
            "connect-timeout");

    private final UnaryOperator<String> env;

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public SftpObjectStoreFactory() {
        this(System::getenv);
    }

    /**
     * Creates a factory reading {@code SSH_AUTH_SOCK} and {@code HOME} from a given environment.
     *
     * @param env looks up environment variables; null for unset ones
     */
    public SftpObjectStoreFactory(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("sftp");
    }

    @Override
    public ObjectStore create(URI uri) {
        return builderFor(uri).build();
    }

    /**
     * Turns a location into a builder.
     *
     * @param uri an {@code sftp://} URI
     * @return the builder
     * @throws InvalidInputException if the URI is malformed, holds a password or has an unknown option
     */
    public SftpObjectStore.Builder builderFor(URI uri) {
        if (!"sftp".equalsIgnoreCase(uri.getScheme())) {
            throw new InvalidInputException("not an sftp:// location: scheme '" + uri.getScheme() + "'");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) { // never echo the URI: it holds a password
            throw new InvalidInputException("the sftp:// location contains a password; remove it (use a key:"
                    + " ?identity=FILE or the SSH agent with ?agent=true)");
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            throw new InvalidInputException("sftp location '" + uri + "' has no host (or the host is not a valid"
                    + " name); use sftp://USER@HOST:PORT/absolute/path");
        }
        if (userInfo == null || userInfo.isEmpty()) {
            throw new InvalidInputException("sftp location '" + uri + "' names no user; use"
                    + " sftp://USER@HOST:PORT/absolute/path");
        }
        if (uri.getFragment() != null) {
            throw new InvalidInputException("sftp location '" + uri + "' must not have a #fragment");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || path.equals("/")) {
            throw new InvalidInputException("sftp location '" + uri + "' names no directory; add one, e.g."
                    + " sftp://" + uri.getRawAuthority() + "/srv/backups (or /~/backups under the login directory)");
        }
        if (path.equals("/~") || path.startsWith("/~/")) {
            path = path.length() <= 3 ? "." : path.substring(3);
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new InvalidInputException("sftp location '" + uri + "' has a '..' segment; give the directory"
                        + " path without it");
            }
        }
        Map<String, String> options = parseQuery(uri);
        int poolSize = options.containsKey("pool-size") ? (int) number("pool-size", options.get("pool-size")) : 0;
        long timeout = options.containsKey("connect-timeout")
                ? number("connect-timeout", options.get("connect-timeout")) : 0;
        String home = env.apply("HOME") != null ? env.apply("HOME") : System.getProperty("user.home");
        NodeEndpoint.Builder eb = NodeEndpoint.builder(uri.getHost(), URLDecoder.decode(userInfo,
                StandardCharsets.UTF_8));
        if (uri.getPort() != -1) {
            if (uri.getPort() < 1 || uri.getPort() > 65535) {
                throw new InvalidInputException("the port in sftp location '" + uri + "' must be 1..65535");
            }
            eb.port(uri.getPort());
        }
        eb.hostKeys(HostKeyPolicy.knownHosts(options.containsKey("known-hosts")
                ? Path.of(options.get("known-hosts")) : Path.of(home, ".ssh", "known_hosts")));
        eb.key(key(options, home));
        if (timeout > 0) {
            eb.connectTimeout(Duration.ofSeconds(timeout));
        }
        SftpObjectStore.Builder b = SftpObjectStore.builder(eb.build(), path);
        if (poolSize > 0) {
            b.poolSize(poolSize);
        }
        return b;
    }

    private SshKey key(Map<String, String> options, String home) {
        boolean agent = options.containsKey("agent") && bool("agent", options.get("agent"));
        if (agent && options.containsKey("identity")) {
            throw new InvalidInputException("the sftp location gives both identity= and agent=true; choose one");
        }
        if (options.containsKey("identity")) {
            Path file = Path.of(options.get("identity"));
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("the SSH key file " + file + " named by identity= in the sftp"
                        + " location does not exist or is not a file");
            }
            return SshKey.file(file);
        }
        String sock = env.apply("SSH_AUTH_SOCK");
        if (agent || (!options.containsKey("agent") && sock != null && !sock.isBlank())) {
            if (sock == null || sock.isBlank()) {
                throw new InvalidInputException("agent=true in the sftp location but SSH_AUTH_SOCK is not set;"
                        + " start ssh-agent, add the key with ssh-add and export SSH_AUTH_SOCK");
            }
            return SshKey.agent(Path.of(sock));
        }
        for (String name : new String[] {"id_ed25519", "id_rsa"}) {
            Path p = Path.of(home, ".ssh", name);
            if (Files.isRegularFile(p)) {
                return SshKey.file(p);
            }
        }
        throw new InvalidInputException("no SSH key for the sftp location: no SSH agent (SSH_AUTH_SOCK) and no"
                + " ~/.ssh/id_ed25519 or ~/.ssh/id_rsa; name a key with ?identity=FILE");
    }

    private static Map<String, String> parseQuery(URI uri) {
        Map<String, String> result = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return result;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8)
                    .toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!OPTIONS.contains(name)) {
                throw new InvalidInputException("unknown option '" + name + "' in sftp location; known options: "
                        + new TreeSet<>(OPTIONS));
            }
            if (result.put(name, value) != null) {
                throw new InvalidInputException("option '" + name + "' is given twice in the sftp location");
            }
        }
        return result;
    }

    private static boolean bool(String name, String value) {
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidInputException("option '" + name + "' in the sftp location must be true or false: '"
                + value + "'");
    }

    private static long number(String name, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("option '" + name + "' in the sftp location must be a positive number: '"
                    + value + "'");
        }
    }
}
