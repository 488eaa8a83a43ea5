package dev.rkebackup.rke.exec;

import dev.rkebackup.core.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A fully built {@code rke} command line: an argument list, never a shell string.
 *
 * <p>{@link #toString()} and {@link #display()} are safe to show: every value that follows a key flag
 * ({@code --access-key}, {@code --secret-key}) is replaced by {@link Secret#REDACTED}. The clear arguments are
 * package-private and reach only the process.
 *
 * <p>Immutable and thread-safe.
 */
public final class RkeCommand {
    /** What the command does. */
    public enum Kind {
        /** {@code rke etcd snapshot-save}. */
        SNAPSHOT_SAVE,
        /** {@code rke etcd snapshot-restore}: wipes and rebuilds the cluster. */
        SNAPSHOT_RESTORE,
        /** {@code rke up}. */
        UP
    }

    private static final List<String> SECRET_FLAGS = List.of("--access-key", "--secret-key");

    private final Kind kind;
    private final List<String> arguments;
    private final Path workingDirectory;
    private final Path configFile;
    private final String confirmation;
    private final List<Secret> secrets;

    RkeCommand(Kind kind, List<String> arguments, Path workingDirectory, Path configFile, String confirmation,
            List<Secret> secrets) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.arguments = List.copyOf(arguments);
        this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
        this.configFile = Objects.requireNonNull(configFile, "configFile");
        this.confirmation = Objects.requireNonNull(confirmation, "confirmation");
        this.secrets = List.copyOf(secrets);
    }

    /**
     * Returns what the command does.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the argument list with key values redacted, starting with the rke binary.
     *
     * @return the redacted argv
     */
    public List<String> redactedArguments() {
        String[] out = arguments.toArray(String[]::new);
        for (int i = 0; i < out.length - 1; i++) {
            if (SECRET_FLAGS.contains(out[i])) {
                out[++i] = Secret.REDACTED;
            }
        }
        return List.of(out);
    }

    /**
     * Returns the directory the command runs in (the directory of the cluster.yml the user gave).
     *
     * @return the working directory
     */
    public Path workingDirectory() {
        return workingDirectory;
    }

    /**
     * Returns the cluster.yml the command passes with {@code --config}.
     *
     * @return the config file
     */
    public Path configFile() {
        return configFile;
    }

    /**
     * Returns the command as a copy-and-paste shell line (single-quoted where needed), with keys redacted.
     *
     * @return the display text
     */
    public String display() {
        return redactedArguments().stream().map(RkeCommand::shellQuote).collect(Collectors.joining(" "));
    }

    /**
     * Returns the line RKE prints when this command succeeded.
     *
     * @return the success message, e.g. {@code Finished building Kubernetes cluster successfully}
     */
    public String successMessage() {
        return confirmation;
    }

    /** The clear argument list, for the process only. */
    List<String> arguments() {
        return arguments;
    }

    /** The values to redact from this command's output. */
    List<Secret> secrets() {
        return secrets;
    }

    private static String shellQuote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=@+,".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Returns {@link #display()}. */
    @Override
    public String toString() {
        return display();
    }
}
