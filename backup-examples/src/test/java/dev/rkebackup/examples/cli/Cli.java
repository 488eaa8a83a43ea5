package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar rke-backup.jar ...} as a real process, the way a user does. */
public final class Cli {
    /** What a run printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** @return stdout followed by stderr */
        public String all() {
            return stdout + stderr;
        }
    }

    /** Small, quick-starting JVMs: these tests start the tool about a hundred times. */
    private static final List<String> JVM = List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static List<String> cds;

    private static final ObjectMapper ONE_DOCUMENT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Parses stdout of a {@code --json} run, failing unless it is exactly one JSON document (whitespace around it
     * allowed, nothing else).
     */
    public static JsonNode json(Result r) throws IOException {
        if (r.stdout().isBlank()) {
            throw new AssertionError("no JSON on stdout; stderr:\n" + r.stderr());
        }
        try {
            return ONE_DOCUMENT.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("stdout is not exactly one JSON document (" + e.getMessage() + "):\n"
                    + r.stdout() + "\nstderr:\n" + r.stderr(), e);
        }
    }

    public static Path jar() {
        String p = System.getProperty("rkebackup.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("rke-backup.jar not found (" + p + "): run these tests with "
                    + "'mvn verify', which builds the jar first");
        }
        return Path.of(p);
    }

    static Path projectRoot() {
        return Path.of(System.getProperty("rkebackup.root", "..")).toAbsolutePath().normalize();
    }

    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return java(workDir, env, cmd);
    }

    /**
     * Runs a {@code main} class from the jar ({@code java -cp rke-backup.jar CLASS ARGS}), as the example programs'
     * Javadoc tells users to.
     */
    public static Result runMain(Path workDir, Map<String, String> env, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("-cp", jar().toString(), mainClass));
        cmd.addAll(List.of(args));
        return java(workDir, env, cmd);
    }

    /** Starts {@code java JAVA_ARGS} with the environment minus the caller's AWS keys plus {@code env}. */
    public static ProcessBuilder javaProcess(Path workDir, Map<String, String> env, List<String> javaArgs) {
        List<String> cmd = new ArrayList<>(JVM);
        cmd.addAll(classDataSharing());
        cmd.addAll(javaArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        pb.environment().remove("AWS_SECRET_ACCESS_KEY");
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * A dynamic class-data-sharing archive of the jar, made once per test JVM by one {@code inspect} run; it cuts
     * the tool's start-up time by about a third. JVM logging is off with it, so a stale archive cannot print
     * warnings into the output under test. Without an archive (creation failed) the runs are merely slower.
     */
    private static synchronized List<String> classDataSharing() {
        if (cds == null) {
            cds = List.of();
            try {
                Path dir = Files.createTempDirectory("rke-backup-cds");
                dir.toFile().deleteOnExit();
                Path archive = dir.resolve("rke-backup.jsa");
                Path config = Files.writeString(dir.resolve("cluster.yml"),
                        "nodes:\n- address: 10.0.0.1\n  user: u\n  role: [etcd]\n");
                List<String> cmd = new ArrayList<>(JVM);
                cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:disable", "-jar", jar().toString(),
                        "inspect", "--config", config.toString(), "--rke-version", "v1.6.3", "--json"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                config.toFile().deleteOnExit();
                archive.toFile().deleteOnExit();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                } else if (p.exitValue() == 0 && Files.isRegularFile(archive) && Files.size(archive) > 0) {
                    cds = List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:disable");
                }
            } catch (IOException e) {
                // start-up optimisation only
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return cds;
    }

    private static Result java(Path workDir, Map<String, String> env, List<String> javaArgs)
            throws IOException, InterruptedException {
        ProcessBuilder pb = javaProcess(workDir, env, javaArgs);
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", javaArgs) + " did not finish in 240 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }

    private Cli() {
    }
}
