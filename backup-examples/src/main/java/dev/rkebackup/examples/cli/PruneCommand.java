package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.OrphanSet;
import dev.rkebackup.core.repository.RetentionPlan;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup prune}: apply retention rules. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Remove backup sets that no keep rule keeps. The newest complete set is always kept; sets "
                + "whose manifest cannot be read are never touched. Refuses to run without a keep rule.")
final class PruneCommand implements Callable<Integer> {
    @Mixin
    StoreOptions storeOptions;

    @Mixin
    RetentionOptions retention;

    @Option(names = "--dry-run", description = "Show what would be removed; change nothing.")
    boolean dryRun;

    @Option(names = "--clean-interrupted", paramLabel = "DURATION", converter = Durations.class,
            description = "Also delete interrupted sets (artifacts without a manifest) older than this, e.g. 2d. "
                    + "Never done without this option.")
    Duration cleanInterrupted;

    @Option(names = "--json", description = "Print one JSON object {kept, removed} and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RetentionPolicy policy = retention.policy();
        if (policy.isEmpty()) {
            throw new InvalidInputException("no keep rule given: prune would delete every set but the newest; pass "
                    + "at least one of --keep-last, --keep-within, --keep-daily, --keep-weekly, --keep-monthly");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ObjectStore store = storeOptions.open()) {
            BackupRepository repo = storeOptions.repo(store);
            RetentionPlan plan = repo.planRetention(policy);
            List<String> removed = dryRun ? plan.removed() : repo.applyRetention(plan);
            List<OrphanSet> orphans = cleanInterrupted == null ? List.of() : repo.findOrphans(cleanInterrupted);
            if (!dryRun) {
                repo.deleteOrphans(orphans);
            }
            if (json) {
                ObjectNode n = Json.object();
                plan.kept().forEach(n.putArray("kept")::add);
                removed.forEach(n.putArray("removed")::add);
                orphans.forEach(o -> n.withArray("interrupted").add(o.setId()));
                n.put("dryRun", dryRun);
                Json.print(out, n);
            } else {
                for (RetentionPlan.Decision d : plan.decisions()) {
                    out.printf("%s  %s%s%n", d.manifest().setId(),
                            d.keep() ? "keep   " : (dryRun ? "would remove" : "removed"),
                            d.keep() ? " (" + String.join(", ", d.reasons()) + ")" : "");
                }
                for (OrphanSet o : orphans) {
                    out.printf("%s  %s (interrupted: %d objects, %d bytes, last written %s)%n", o.setId(),
                            dryRun ? "would remove" : "removed", o.keys().size(), o.bytes(), o.lastModified());
                }
            }
        }
        return RkeBackupCli.OK;
    }

    /** The keep rules shared by {@code prune} and {@code backup}. */
    static final class RetentionOptions {
        @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest sets.")
        int keepLast;

        @Option(names = "--keep-within", paramLabel = "DURATION", converter = Durations.class,
                description = "Keep sets younger than this (90m, 36h, 7d, 2w).")
        Duration keepWithin = Duration.ZERO;

        @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest set of each of N days.")
        int keepDaily;

        @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest set of each of N weeks.")
        int keepWeekly;

        @Option(names = "--keep-monthly", paramLabel = "N",
                description = "Keep the newest set of each of N months.")
        int keepMonthly;

        RetentionPolicy policy() {
            if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
                throw new InvalidInputException("keep counts must not be negative");
            }
            return RetentionPolicy.builder().keepLast(keepLast).keepWithin(keepWithin).keepDaily(keepDaily)
                    .keepWeekly(keepWeekly).keepMonthly(keepMonthly).build();
        }
    }
}
