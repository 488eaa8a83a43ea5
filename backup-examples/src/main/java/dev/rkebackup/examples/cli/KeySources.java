package dev.rkebackup.examples.cli;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.crypto.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where the CLI takes repository keys from; never from argv. */
final class KeySources {
    static final String PASSWORD_FILE_ENV = "RKE_BACKUP_PASSWORD_FILE";
    static final String PASSWORD_ENV = "RKE_BACKUP_PASSWORD";
    static final String WAYS = "a password with --password-file F, " + PASSWORD_FILE_ENV + "=F or " + PASSWORD_ENV
            + ", or an age identity with --age-identity F";

    /** Where warnings go; the CLI sets stderr. */
    static volatile PrintWriter warnings = new PrintWriter(System.err, true);
    /** The environment; tests of the CLI in-process replace it. */
    static volatile Map<String, String> env = System.getenv();

    private KeySources() {
    }

    static Optional<Credential> credential(Path passwordFile, Path ageIdentity) {
        if (ageIdentity != null) {
            return Optional.of(Credential.ageIdentity(readSecretFile(ageIdentity, "age identity file",
                    "--age-identity", 64 << 10, false)));
        }
        return password(passwordFile).map(Credential::password);
    }

    static Optional<Secret> password(Path passwordFile) {
        if (passwordFile != null) {
            return Optional.of(readPasswordFile(passwordFile, "--password-file"));
        }
        String f = env.get(PASSWORD_FILE_ENV);
        if (f != null && !f.isEmpty()) {
            return Optional.of(readPasswordFile(Path.of(f), PASSWORD_FILE_ENV));
        }
        String p = env.get(PASSWORD_ENV);
        if (p != null && !p.isEmpty()) {
            return Optional.of(Secret.of(p));
        }
        return Optional.empty();
    }

    static Secret readPasswordFile(Path file, String source) {
        return readSecretFile(file, "password file", source, 4096, true);
    }

    private static Secret readSecretFile(Path file, String what, String source, int max, boolean firstLine) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(max + 1);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(what + " " + file + " (" + source + ") does not exist; create it"
                    + " (owner-only: chmod 600) or name the right file");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + " (" + source + "): "
                    + e.getClass().getSimpleName() + "; check the path and its permissions");
        }
        if (bytes.length > max) {
            throw new InvalidInputException(what + " " + file + " (" + source + ") is larger than " + max
                    + " bytes; it is not a " + what);
        }
        warnIfShared(file, what);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (firstLine) {
            int nl = text.indexOf('\n');
            text = nl >= 0 ? text.substring(0, nl) : text;
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
        }
        if (text.isEmpty()) {
            throw new InvalidInputException(what + " " + file + " (" + source + ") is empty");
        }
        return Secret.of(text);
    }

    private static void warnIfShared(Path file, String what) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                warnings.println("warning: " + what + " " + file + " can be read by other users; make it"
                        + " owner-only: chmod 600 " + file);
                warnings.flush();
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
