package dev.rkebackup.s3.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real s3cmd and aws command-line tools against a test server. Secrets go in 0600 files or env. */
public final class Cli {
    /** Debian's awscli v2; the {@code aws} on PATH may be an unrelated pyenv awscli 1.x. */
    public static final Path AWS = Path.of("/usr/bin/aws");
    public static final Path S3CMD = Path.of("/usr/bin/s3cmd");

    private final S3ProxyServer server;
    private final Path work;
    private final Path caFile;

    /**
     * Prepares configs for a server.
     *
     * @param server the server
     * @param work a private directory for configs and HOME
     * @param caFile the CA for https servers, or null for http
     */
    public Cli(S3ProxyServer server, Path work, Path caFile) throws IOException {
        this.server = server;
        this.work = Files.createDirectories(work);
        this.caFile = caFile;
        for (Path tool : List.of(AWS, S3CMD)) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException(tool + " is missing: install the Debian packages s3cmd and awscli");
            }
        }
        String config = "[default]\naccess_key = " + server.accessKey() + "\nsecret_key = " + server.secretKey()
                + "\nhost_base = " + server.hostPort() + "\nhost_bucket = " + server.hostPort()
                + "\nuse_https = " + (caFile != null ? "True" : "False") + "\nsignature_v2 = False\n"
                + "check_ssl_certificate = True\nbucket_location = us-east-1\n"
                + (caFile != null ? "ca_certs_file = " + caFile + "\n" : "");
        Path cfg = work.resolve("s3cfg");
        Files.createFile(cfg, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(cfg, config, StandardCharsets.UTF_8);
    }

    /** Runs {@code s3cmd -c CONFIG args...}. */
    public String s3cmd(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(S3CMD.toString(), "-c", work.resolve("s3cfg").toString(),
                "--no-progress"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs {@code aws --endpoint-url URL [--ca-bundle CA] args...} with credentials in the environment. */
    public String aws(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(AWS.toString(), "--endpoint-url", server.endpoint().toString(),
                "--only-show-errors"));
        if (caFile != null) {
            cmd.addAll(List.of("--ca-bundle", caFile.toString()));
        }
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("AWS_CA_BUNDLE");
        env.remove("AWS_PROFILE");
        env.put("HOME", work.toString());
        env.put("AWS_ACCESS_KEY_ID", server.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", server.secretKey());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", work.resolve("aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("aws-credentials").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd.get(0) + " timed out: " + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd.get(0) + " " + cmd.subList(1, cmd.size()) + " failed with exit "
                    + p.exitValue() + ": " + out);
        }
        return out;
    }
}
