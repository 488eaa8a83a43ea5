package dev.rkebackup.rke.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code etcdctl} (API v3) with a timeout, draining both streams. Thread-safe (stateless). */
final class Etcdctl {
    private final Path binary;

    Etcdctl(Path binary) {
        this.binary = binary;
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    Path binary() {
        return binary;
    }

    Result check(List<String> args, String stdin, Duration timeout) {
        Result r = run(args, stdin, timeout);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed with exit code "
                    + r.exitCode() + ": " + r.stderr());
        }
        return r;
    }

    Result run(List<String> args, String stdin, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ETCDCTL_API", "3");
        try {
            Process p = pb.start();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, out.join(), "timed out after " + timeout + "; " + err.join());
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running etcdctl", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e.getMessage() + ">";
            }
        });
    }
}
