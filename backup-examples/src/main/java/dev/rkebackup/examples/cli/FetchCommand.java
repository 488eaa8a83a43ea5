package dev.rkebackup.examples.cli;

import dev.rkebackup.core.repository.BackupRepository;

import dev.rkebackup.core.storage.ObjectStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup fetch}: download a verified set. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download every artifact of a set into a directory, verifying each on the way. Files are "
                + "created 0600; existing files are never overwritten.")
final class FetchCommand implements Callable<Integer> {
    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--set", required = true, paramLabel = "ID",
            description = "The set to fetch, or latest (the newest complete set).")
    String setId;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Target directory.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ObjectStore store = storeOptions.open()) {
            BackupRepository repo = storeOptions.repo(store);
            String id = StoreOptions.resolveSet(repo, setId);
            List<Path> files = repo.fetch(id, dir);
            files.forEach(f -> out.println(f));
            out.printf("fetched %d verified artifacts of set %s into %s%n", files.size(), id, dir);
        }
        return RkeBackupCli.OK;
    }
}
