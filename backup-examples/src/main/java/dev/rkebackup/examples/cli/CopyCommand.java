package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.SetCopy;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.crypto.Credential;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup copy}: copy complete, verified sets from one store to another. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = "Copy complete backup sets from one store to another (a second copy for the 3-2-1 rule). "
                + "Each set is verified while it is read, written with its manifest last, and verified at the "
                + "target; a set already there that verifies is skipped. Exits 1 when a set cannot be copied.")
final class CopyCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "URI",
            description = "The store to copy from (any --store location: path, file:, s3://, sftp://, azure://).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "URI", description = "The store to copy to.")
    String to;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--set", paramLabel = "ID", description = "Copy this set.")
        String setId;

        @Option(names = "--all", description = "Copy every set of the source store.")
        boolean all;
    }

    @Option(names = "--from-password-file", paramLabel = "F",
            description = "Password of an encrypted source repository: the first line of file F.")
    Path fromPasswordFile;

    @Option(names = "--from-age-identity", paramLabel = "F",
            description = "Unlock an encrypted source repository with an age identity file.")
    Path fromAgeIdentity;

    @Option(names = "--to-password-file", paramLabel = "F",
            description = "Password of an encrypted target repository (sets are re-encrypted with its keys).")
    Path toPasswordFile;

    @Option(names = "--to-age-identity", paramLabel = "F",
            description = "Unlock an encrypted target repository with an age identity file.")
    Path toAgeIdentity;

    @Option(names = "--dry-run", description = "Only tell which sets would be copied; write nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON array and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Keys come only from the --from-/--to- options: one environment variable cannot tell the two stores apart. */
    private static Optional<Credential> key(Path passwordFile, Path ageIdentity, String side) {
        if (passwordFile != null && ageIdentity != null) {
            throw new ExitCodeException(RkeBackupCli.BAD_INPUT, "give " + side + "-password-file or " + side
                    + "-age-identity, not both");
        }
        if (ageIdentity != null) {
            return KeySources.credential(null, ageIdentity);
        }
        return passwordFile == null ? Optional.empty()
                : Optional.of(Credential.password(KeySources.readPasswordFile(passwordFile, side + "-password-file")));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<SetCopy.Result> results;
        try (ObjectStore source = ObjectStores.open(from); ObjectStore target = ObjectStores.open(to)) {
            if (source.describe().equals(target.describe())) {
                throw new ExitCodeException(RkeBackupCli.BAD_INPUT, "--from and --to name the same store ("
                        + source.describe() + "); give another --to");
            }
            BackupRepository src = StoreOptions.repo(source, key(fromPasswordFile, fromAgeIdentity, "--from"),
                    ProgressListener.NONE);
            BackupRepository dst = StoreOptions.repo(target, key(toPasswordFile, toAgeIdentity, "--to"),
                    ProgressListener.NONE);
            SetCopy copy = SetCopy.between(src, dst);
            results = which.all ? copy.copyAll(dryRun) : List.of(copy.copy(which.setId, dryRun));
        }
        if (json) {
            ArrayNode arr = Json.array();
            for (SetCopy.Result r : results) {
                arr.addObject().put("setId", r.setId()).put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                        .put("artifacts", r.artifacts()).put("bytes", r.bytes()).put("detail", r.detail());
            }
            Json.print(out, arr);
        } else {
            for (SetCopy.Result r : results) {
                String what = switch (r.outcome()) {
                    case COPIED -> "copied and verified";
                    case ALREADY_PRESENT -> "already at the target";
                    case WOULD_COPY -> "would be copied";
                    case SKIPPED_INCOMPLETE -> "skipped";
                };
                out.printf("%s  %s (%d artifacts, %d bytes)%s%n", r.setId(), what, r.artifacts(), r.bytes(),
                        r.detail().isEmpty() ? "" : ": " + r.detail());
            }
            if (results.isEmpty()) {
                out.println("no backup sets to copy");
            }
        }
        if (!which.all && results.get(0).outcome() == SetCopy.Outcome.SKIPPED_INCOMPLETE) {
            throw new ExitCodeException(RkeBackupCli.FAILED, "set " + which.setId + " was not copied: it is"
                    + " incomplete and cannot restore");
        }
        return RkeBackupCli.OK;
    }
}
