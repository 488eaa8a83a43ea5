package dev.rkebackup.rke.node.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Debian's OpenSSH server ({@code /usr/sbin/sshd}) started by a test on a free 127.0.0.1 port with its own config,
 * host key and authorized-keys file; optionally inside a private mount namespace ({@code unshare -m}) with a small
 * tmpfs mounted on one directory, which gives a real "no space left on device" without touching the host's mounts.
 * The test process must run as root (sshd needs it). Missing binaries fail with the package to install.
 */
public final class OpenSshServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path hostKeyPub;
    private final Path log;

    private OpenSshServer(Process process, int port, Path hostKeyPub, Path log) {
        this.process = process;
        this.port = port;
        this.hostKeyPub = hostKeyPub;
        this.log = log;
    }

    /**
     * Starts sshd.
     *
     * @param dir directory for config, keys and log; must be reachable (mode 0755 path) for non-root users
     * @param authorizedKeys public key files whose keys may log in as any user
     * @param trustedUserCa CA public key for user certificates, or null
     * @param tmpfsDir directory to mount a tmpfs on inside sshd's private mount namespace, or null
     * @param tmpfsSize tmpfs size, e.g. {@code 1m}
     * @return the running server
     * @throws Exception if sshd does not come up
     */
    public static OpenSshServer start(Path dir, List<Path> authorizedKeys, Path trustedUserCa, Path tmpfsDir,
            String tmpfsSize) throws Exception {
        require("/usr/sbin/sshd", "openssh-server");
        require("/usr/bin/ssh-keygen", "openssh-client");
        Files.createDirectories(Path.of("/run/sshd"));
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        run(List.of("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        StringBuilder keys = new StringBuilder();
        for (Path p : authorizedKeys) {
            keys.append(Files.readString(p).strip()).append('\n');
        }
        Path authorized = Files.writeString(dir.resolve("authorized_keys"), keys.toString());
        authorized.toFile().setReadable(true, false);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StringBuilder conf = new StringBuilder()
                .append("Port ").append(port).append('\n')
                .append("ListenAddress 127.0.0.1\n")
                .append("HostKey ").append(hostKey).append('\n')
                .append("PidFile ").append(dir.resolve("sshd.pid")).append('\n')
                .append("AuthorizedKeysFile ").append(authorized).append('\n')
                .append("UsePAM no\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n")
                .append("PermitRootLogin prohibit-password\nAllowTcpForwarding yes\nLogLevel VERBOSE\n")
                .append("Subsystem sftp internal-sftp\n");
        if (trustedUserCa != null) {
            conf.append("TrustedUserCAKeys ").append(trustedUserCa).append('\n');
        }
        Path config = Files.writeString(dir.resolve("sshd_config"), conf.toString());
        run(List.of("/usr/sbin/sshd", "-t", "-f", config.toString()));
        List<String> cmd = new ArrayList<>();
        if (tmpfsDir != null) {
            require("/usr/bin/unshare", "util-linux");
            Files.createDirectories(tmpfsDir);
            cmd.addAll(List.of("/usr/bin/unshare", "-m", "/bin/sh", "-c",
                    "mount -t tmpfs -o size=\"$1\",mode=0755 tmpfs \"$2\" && exec /usr/sbin/sshd -D -e -f \"$3\"",
                    "sh", tmpfsSize, tmpfsDir.toString(), config.toString()));
        } else {
            cmd.addAll(List.of("/usr/sbin/sshd", "-D", "-e", "-f", config.toString()));
        }
        Path log = dir.resolve("sshd.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OpenSshServer server = new OpenSshServer(p, port, Path.of(hostKey + ".pub"), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.listening()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("sshd did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return server;
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void require(String binary, String pkg) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException(binary + " is missing: apt-get install -y " + pkg);
        }
    }

    /**
     * Runs a command and fails on a non-zero exit.
     *
     * @param cmd argument list
     * @return combined output
     * @throws Exception if it fails
     */
    public static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /**
     * Makes sure a local user exists that can log in with a key (password field {@code *}, shell /bin/sh).
     *
     * @param name user name
     * @throws Exception if useradd fails
     */
    public static void ensureUser(String name) throws Exception {
        Objects.requireNonNull(name, "name");
        Process id = new ProcessBuilder("id", "-u", name).redirectErrorStream(true).start();
        id.getInputStream().readAllBytes();
        if (id.waitFor() == 0) {
            return;
        }
        require("/usr/sbin/useradd", "passwd");
        run(List.of("/usr/sbin/useradd", "-M", "-s", "/bin/sh", "-p", "*", name));
    }

    /**
     * The listening port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The known_hosts line for this server, {@code [127.0.0.1]:port <type> <base64>}.
     *
     * @return the line
     * @throws IOException if the host key cannot be read
     */
    public String knownHostsLine() throws IOException {
        String[] f = Files.readString(hostKeyPub).strip().split("\\s+");
        return "[127.0.0.1]:" + port + " " + f[0] + " " + f[1];
    }

    /**
     * The server's log so far (for assertion messages).
     *
     * @return log text
     * @throws IOException if unreadable
     */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * Kills every sshd child process (the per-connection processes), like a dropped link; the listener stays.
     */
    public void dropConnections() {
        process.descendants().filter(ph -> !ph.equals(process.toHandle())).forEach(ProcessHandle::destroyForcibly);
    }

    /** Stops sshd (and with it the private mount namespace and its tmpfs). */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
