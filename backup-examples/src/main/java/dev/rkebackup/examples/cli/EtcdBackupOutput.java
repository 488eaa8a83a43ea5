package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.etcd.DrillReport;
import dev.rkebackup.etcd.EtcdBackupResult;
import dev.rkebackup.etcd.MemberStatus;
import dev.rkebackup.etcd.RestoreRunReport;
import java.io.PrintWriter;
import java.util.Map;

/** Text and JSON output of the etcd-native commands. */
final class EtcdBackupOutput {
    private EtcdBackupOutput() {
    }

    static void backup(PrintWriter out, EtcdBackupResult r, boolean json) {
        Manifest m = r.manifest();
        Map<String, String> labels = m.metadata().labels();
        if (json) {
            ObjectNode n = Json.object();
            n.put("setId", m.setId());
            n.put("snapshotName", labels.get(SetMetadata.LABEL_SNAPSHOT_NAME));
            n.put("source", "etcd");
            n.put("complete", m.complete());
            n.put("verified", r.verification().ok());
            n.put("member", r.member());
            ObjectNode etcd = n.putObject("etcd");
            labels.forEach((k, v) -> {
                if (k.startsWith("etcd.")) {
                    etcd.put(k.substring(5), v);
                }
            });
            members(n.putArray("members"), r.agreement().members(), r.agreement().hashes());
            ArrayNode arts = n.putArray("artifacts");
            for (ArtifactEntry a : m.artifacts()) {
                arts.addObject().put("path", a.path()).put("kind", a.kind().id()).put("size", a.size())
                        .put("sha256", a.sha256()).put("source", a.source().toString());
            }
            r.pruned().forEach(n.putArray("pruned")::add);
            m.notes().forEach(n.putArray("notes")::add);
            Json.print(out, n);
            return;
        }
        out.printf("stored backup set %s (snapshot %s from etcd member %s, cluster %s, revision %s, %s, %s)%n",
                m.setId(), labels.get(SetMetadata.LABEL_SNAPSHOT_NAME), r.member(), labels.get("etcd.cluster-id"),
                labels.get("etcd.revision"), m.complete() ? "complete" : "INCOMPLETE",
                r.verification().ok() ? "verified" : "NOT VERIFIED");
        out.print(r.agreement().describe());
        for (ArtifactEntry a : m.artifacts()) {
            out.printf("  %-14s %-50s %,14d bytes  sha256 %s%n", a.kind().id(), a.path(), a.size(), a.sha256());
        }
        m.notes().forEach(note -> out.println("  note: " + note));
        if (!r.pruned().isEmpty()) {
            out.println("  pruned: " + String.join(", ", r.pruned()));
        }
        out.flush();
    }

    static void members(ArrayNode arr, Iterable<MemberStatus> members, Map<String, Long> hashes) {
        for (MemberStatus s : members) {
            ObjectNode o = arr.addObject().put("host", s.host()).put("endpoint", s.endpoint())
                    .put("reachable", s.reachable());
            if (s.reachable()) {
                o.put("clusterId", Long.toHexString(s.clusterId())).put("memberId", Long.toHexString(s.memberId()))
                        .put("revision", s.revision()).put("raftIndex", s.raftIndex()).put("leader", s.isLeader());
                Long h = hashes.get(Long.toHexString(s.memberId()));
                if (h != null) {
                    o.put("hashKV", h);
                }
            } else {
                o.put("problem", s.problem());
            }
        }
    }

    static void drill(PrintWriter out, DrillReport r, boolean json) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("setId", r.setId());
            n.put("ok", r.ok());
            n.put("revision", r.revision());
            n.put("keys", r.keys());
            n.put("elapsedMillis", r.elapsed().toMillis());
            ArrayNode checks = n.putArray("checks");
            r.checks().forEach(c -> checks.addObject().put("name", c.name()).put("ok", c.ok())
                    .put("detail", c.detail()));
            Json.print(out, n);
            return;
        }
        out.print(r.describe());
        out.flush();
    }

    static void restore(PrintWriter out, RestoreRunReport r, boolean json) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("setId", r.setId());
            n.put("dryRun", r.dryRun());
            n.put("ok", r.ok());
            ArrayNode steps = n.putArray("steps");
            r.steps().forEach(s -> steps.addObject().put("name", s.name())
                    .put("outcome", s.outcome().name().toLowerCase(java.util.Locale.ROOT)).put("detail", s.detail()));
            members(n.putArray("members"), r.members(), Map.of());
            n.put("next", r.next());
            Json.print(out, n);
            return;
        }
        out.print(r.describe());
        out.flush();
    }
}
