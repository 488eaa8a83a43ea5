package dev.rkebackup.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code age} and {@code age-keygen} (Debian package {@code age}); a missing binary fails the test. */
final class AgeCli {
    private AgeCli() {
    }

    /** Generates an identity file with age-keygen and returns its text. */
    static String newIdentity(Path file) {
        run(null, "age-keygen", "-o", file.toString());
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String recipientOf(Path identity) {
        return run(null, "age-keygen", "-y", identity.toString()).trim();
    }

    /** Runs age -d -i identity on a file and returns the plaintext. */
    static byte[] decrypt(Path identity, Path file) {
        return run(null, "age", "-d", "-i", identity.toString(), file.toString()).getBytes(StandardCharsets.ISO_8859_1);
    }

    static String run(byte[] stdin, String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(false).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + err);
            }
            return new String(out, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd[0] + " (install the Debian package age; scripts/test.sh"
                    + " does): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
