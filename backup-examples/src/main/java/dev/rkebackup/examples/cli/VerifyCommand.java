package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.crypto.Protection;
import dev.rkebackup.core.repository.ArtifactCheck;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.DataSubset;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.UnreadableSet;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup verify}: re-read and check stored sets. Exit 1 when any set is damaged. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Re-read every artifact of one or all sets and compare size and SHA-256 with the manifest. "
                + "In an encrypted repository also every authentication tag and each manifest's authenticity. "
                + "Exits 1 when any set is damaged.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--set", paramLabel = "ID", description = "Verify only this set.")
    String setId;

    @Option(names = "--read-data-subset", paramLabel = "SUBSET",
            description = "Read only part of the stored data in full: a random share (10%%), a random amount (2G),"
                    + " or part n of m (1/7; seven nightly runs 1/7..7/7 read everything once). Objects outside the"
                    + " subset are checked for presence and size. Default: read everything.")
    String readDataSubset;

    @Option(names = "--json", description = "Print one JSON array (one object with --drill) and nothing else on "
            + "stdout.")
    boolean json;

    @Option(names = "--drill", description = "Restore the set (--set, else the newest complete one) into a "
            + "throwaway etcd on 127.0.0.1 and check health, revision, keys and /registry/ prefixes; wiped after.")
    boolean drill;

    @Option(names = "--etcd-bin", paramLabel = "DIR",
            description = "Directory with etcd and etcdutl/etcdctl for --drill (default: the PATH).")
    java.nio.file.Path etcdBin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (drill) {
            return drill(out);
        }
        List<VerifyReport> reports = new ArrayList<>();
        List<UnreadableSet> unreadable = new ArrayList<>();
        DataSubset subset = readDataSubset == null ? DataSubset.all() : DataSubset.parse(readDataSubset);
        Protection protection;
        String where;
        try (ObjectStore store = storeOptions.open()) {
            BackupRepository repo = storeOptions.repo(store);
            protection = repo.protection();
            where = store.describe();
            if (setId != null && subset.isAll()) {
                reports.add(repo.verify(StoreOptions.resolveSet(repo, setId)));
            } else if (setId != null) {
                reports.addAll(repo.verify(List.of(repo.manifest(StoreOptions.resolveSet(repo, setId))), subset,
                        new SecureRandom()));
            } else if (subset.isAll()) {
                for (Manifest m : repo.listSets()) {
                    reports.add(repo.verify(m.setId()));
                }
                unreadable.addAll(repo.listUnreadable());
            } else {
                reports.addAll(repo.verify(repo.listSets(), subset, new SecureRandom()));
                unreadable.addAll(repo.listUnreadable());
            }
        }
        boolean ok = reports.stream().allMatch(VerifyReport::ok) && unreadable.isEmpty();
        if (json) {
            ArrayNode arr = Json.array();
            for (VerifyReport r : reports) {
                ObjectNode n = arr.addObject();
                n.put("setId", r.setId());
                n.put("ok", r.ok());
                n.put("artifactsRead", r.checks().stream().filter(c -> !c.method().equals(ArtifactCheck.STAT))
                        .count());
                n.put("artifacts", r.checks().size());
                ListCommand.putProtection(n, protection);
                ArrayNode problems = n.putArray("problems");
                for (ArtifactCheck c : r.problems()) {
                    problems.addObject().put("path", c.path()).put("problem", c.status().id())
                            .put("detail", c.detail());
                }
            }
            for (UnreadableSet u : unreadable) {
                ObjectNode n = arr.addObject();
                n.put("setId", u.setId());
                n.put("ok", false);
                ListCommand.putProtection(n, protection);
                n.putArray("problems").addObject().put("path", "manifest.json").put("problem", "unreadable")
                        .put("detail", u.reason());
            }
            Json.print(out, arr);
        } else {
            out.println(where + ": " + protection.label()
                    + (protection.encrypted() ? " (every tag and the manifests' authenticity checked)" : ""));
            for (VerifyReport r : reports) {
                long read = r.checks().stream().filter(c -> !c.method().equals(ArtifactCheck.STAT)).count();
                String scope = read == r.checks().size() ? r.checks().size() + " artifacts"
                        : read + " of " + r.checks().size() + " artifacts read, the others' presence and size checked";
                out.printf("%s  %s%n", r.setId(), r.ok() ? "OK (" + scope + ")" : "DAMAGED");
                for (ArtifactCheck c : r.problems()) {
                    out.printf("    %-9s %s: %s%n", c.status().id(), c.path(), c.detail());
                }
            }
            for (UnreadableSet u : unreadable) {
                out.printf("%s  DAMAGED%n    unreadable manifest.json: %s%n", u.setId(), u.reason());
            }
            if (reports.isEmpty() && unreadable.isEmpty()) {
                out.println("no backup sets to verify");
            }
        }
        if (!ok) {
            throw new ExitCodeException(RkeBackupCli.FAILED, "damaged backup sets found: "
                    + (reports.stream().filter(r -> !r.ok()).count() + unreadable.size())
                    + "; do not restore from them, take a new backup");
        }
        return RkeBackupCli.OK;
    }

    private int drill(PrintWriter out) {
        dev.rkebackup.etcd.DrillReport r;
        try (ObjectStore store = storeOptions.open()) {
            dev.rkebackup.etcd.EtcdDrill.Builder b = dev.rkebackup.etcd.EtcdDrill.builder(
                    StoreOptions.repository(store));
            if (etcdBin != null) {
                b.binDirectory(etcdBin.toAbsolutePath());
            }
            r = setId != null ? b.build().run(setId) : b.build().runNewest();
        }
        EtcdBackupOutput.drill(out, r, json);
        if (!r.ok()) {
            throw new ExitCodeException(RkeBackupCli.FAILED, "the drill of set " + r.setId() + " failed; do not rely"
                    + " on this set for a restore");
        }
        return RkeBackupCli.OK;
    }
}
