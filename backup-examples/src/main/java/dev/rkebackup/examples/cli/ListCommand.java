package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.crypto.Protection;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.UnreadableSet;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.rke.RkeSetInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup list}: the backup sets in a store. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the backup sets in a store.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--json", description = "Print one JSON array and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ObjectStore store = storeOptions.open()) {
            BackupRepository repo = storeOptions.repo(store);
            var sets = repo.listSets();
            Protection protection = repo.protection();
            if (json) {
                ArrayNode arr = Json.array();
                for (Manifest m : sets) {
                    ObjectNode n = arr.addObject();
                    n.put("setId", m.setId());
                    putProtection(n, protection);
                    n.put("clusterName", m.metadata().clusterName());
                    putNullable(n, "snapshotName", m.metadata().labels().get(SetMetadata.LABEL_SNAPSHOT_NAME));
                    n.put("createdAt", m.createdAt().toString());
                    putNullable(n, "rkeVersion", RkeSetInfo.of(m).rkeVersion());
                    n.put("artifactCount", m.artifacts().size());
                    n.put("totalBytes", m.totalBytes());
                    n.put("complete", m.complete());
                }
                Json.print(out, arr);
            } else {
                out.println(store.describe() + ": " + protection.label());
                if (sets.isEmpty()) {
                    out.println("no backup sets in " + store.describe());
                }
                int idWidth = sets.stream().mapToInt(m -> m.setId().length()).max().orElse(6);
                String row = "%-" + idWidth + "s  %-20s  %-24s  %-24s  %9s  %14s  %s%n";
                if (!sets.isEmpty()) {
                    out.printf(row, "SET", "CLUSTER", "SNAPSHOT", "CREATED", "ARTIFACTS", "BYTES", "STATUS");
                }
                for (Manifest m : sets) {
                    out.printf(row, m.setId(), m.metadata().clusterName(),
                            m.metadata().labels().getOrDefault(SetMetadata.LABEL_SNAPSHOT_NAME, "-"),
                            m.createdAt(), m.artifacts().size(), m.totalBytes(),
                            m.complete() ? "complete" : "INCOMPLETE");
                }
                for (UnreadableSet u : repo.listUnreadable()) {
                    out.printf("%s  UNREADABLE: %s%n", u.setId(), u.reason());
                }
            }
        }
        return RkeBackupCli.OK;
    }

    static void putProtection(ObjectNode n, Protection p) {
        n.put("encrypted", p.encrypted());
        n.put("authenticated", p.encrypted());
        n.put("protection", p.label());
    }

    static void putNullable(ObjectNode n, String field, String value) {
        if (value == null || value.isEmpty()) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }
}
