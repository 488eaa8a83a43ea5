package dev.rkebackup.rke.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.rke.config.internal.GoDuration;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a {@link ConfigInspection} as text or JSON. Stateless and thread-safe. */
final class InspectionFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private InspectionFormat() {
    }

    static String version(ConfigInspection i) {
        if (!i.rkeVersionGiven()) {
            return "unknown (assumed newest known behaviour)";
        }
        return i.rkeVersion() + (i.rkeVersion().isKnown() ? "" : " (not verified; assumed newest known behaviour)");
    }

    static String text(ConfigInspection i) {
        StringBuilder sb = new StringBuilder();
        EffectiveBackup b = i.backup();
        EtcdQuorum q = i.quorum();
        row(sb, "Cluster config", i.source());
        row(sb, "Cluster name", i.clusterName());
        row(sb, "RKE version", version(i));
        row(sb, "Backup settings", scheme(i.generation()) + " (RKE uses " + scheme(b.schemeUsed()) + ")");
        row(sb, "Nodes", i.nodeCount() + ", etcd: " + i.etcdNodes().size()
                + (i.etcdNodes().isEmpty() ? "" : " (" + String.join(", ", i.etcdNodes()) + ")"));
        row(sb, "etcd quorum", q.members() == 0 ? "no etcd members"
                : WarningRules.plural(q.members(), "member") + ", majority "
                + q.majority() + ", tolerates " + WarningRules.plural(q.faultTolerance(), "failure"));
        row(sb, "Recurring snapshots", b.recurring() ? "on, every " + human(b.interval()) + ", retention "
                + b.retentionConfigured() + " => kept " + withDays(b.retentionWindow()) : "off");
        row(sb, "Snapshot files", b.snapshotDirectory() + "/" + b.recurringFileName() + " (recurring), "
                + b.manualFileName() + " (snapshot-save) on every etcd node");
        if (b.uploadsToS3()) {
            row(sb, "S3 upload", "yes, to " + (b.s3KeyPrefix().isEmpty() ? "the bucket root"
                    : "key prefix " + b.s3KeyPrefix()) + "; " + i.s3().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        } else {
            row(sb, "S3 upload", i.s3().isEmpty() ? "no" : "no (S3 settings present but not used by this version)");
        }
        row(sb, "Restore needs", b.restoreArtifacts().stream().map(a -> a.description(i.rkeVersion()))
                .collect(Collectors.joining("; ")));
        if (!i.stateFile().isEmpty()) {
            row(sb, "State file", i.stateFile());
        }
        sb.append("Findings: ").append(i.warnings().isEmpty() ? "none" : String.valueOf(i.warnings().size()))
                .append('\n');
        for (ConfigWarning w : i.warnings()) {
            sb.append("  ").append(w).append('\n');
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-20s %s%n", label + ":", value).replace("\r\n", "\n"));
    }

    private static String scheme(ConfigGeneration g) {
        return switch (g) {
            case LEGACY -> "legacy snapshot/creation/retention";
            case BACKUP_CONFIG -> "backup_config";
            case NONE -> "none (defaults)";
        };
    }

    private static String withDays(Duration d) {
        String h = human(d);
        long hours = d.toHours();
        if (d.toSeconds() % 3600 == 0 && hours >= 48) {
            return h + " (" + (hours % 24 == 0 ? String.valueOf(hours / 24)
                    : String.format(Locale.ROOT, "%.1f", hours / 24.0)) + " days)";
        }
        return h;
    }

    static String human(Duration d) {
        if (d.isZero()) {
            return "0 (unusable)";
        }
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + "h";
        }
        String s = GoDuration.format(d);
        return s.endsWith("m0s") ? s.substring(0, s.length() - 2) : s;
    }

    static String json(ConfigInspection i) {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", i.source());
        root.put("clusterName", i.clusterName());
        root.put("rkeVersion", i.rkeVersionGiven() ? i.rkeVersion().toString() : null);
        root.put("rkeVersionGiven", i.rkeVersionGiven());
        root.put("rkeVersionKnown", i.rkeVersionGiven() && i.rkeVersion().isKnown());
        root.put("configGeneration", i.generation().name().toLowerCase(Locale.ROOT));
        root.put("nodeCount", i.nodeCount());
        ObjectNode etcd = root.putObject("etcd");
        etcd.put("members", i.quorum().members());
        etcd.put("majority", i.quorum().majority());
        etcd.put("faultTolerance", i.quorum().faultTolerance());
        ArrayNode nodes = etcd.putArray("nodes");
        for (RkeNode n : i.config().etcdNodes()) {
            nodes.addObject().put("address", n.address()).put("internalAddress", n.internalAddress())
                    .put("hostnameOverride", n.hostnameOverride());
        }
        EffectiveBackup b = i.backup();
        boolean backupConfig = b.schemeUsed() == ConfigGeneration.BACKUP_CONFIG;
        ObjectNode rec = root.putObject("recurring");
        rec.put("enabled", b.recurring());
        rec.put("scheme", b.schemeUsed().name().toLowerCase(Locale.ROOT));
        putHours(rec, "intervalHours", b.interval());
        if (backupConfig) {
            rec.put("retentionCount", i.config().etcd().backupConfig().flatMap(c -> c.retention().isPresent()
                    ? java.util.Optional.of(c.retention().getAsInt()) : java.util.Optional.empty()).orElse(6));
        } else {
            rec.putNull("retentionCount");
        }
        putHours(rec, "retentionWindowHours", b.retentionWindow());
        rec.put("retentionConfigured", b.retentionConfigured());
        java.util.Optional<S3BackupConfig> s3 = i.config().etcd().backupConfig().flatMap(BackupConfig::s3);
        if (s3.isPresent()) {
            ObjectNode n = root.putObject("s3");
            n.put("bucket", s3.get().bucketName().orElse(null));
            n.put("endpoint", s3.get().endpoint().orElse(null));
            n.put("region", s3.get().region().orElse(null));
            n.put("folder", s3.get().folder().orElse(null));
            n.put("customCa", s3.get().customCa().isPresent());
            n.put("uploads", b.uploadsToS3());
            n.put("keyPrefix", b.s3KeyPrefix());
        } else {
            root.putNull("s3");
        }
        ArrayNode restore = root.putArray("restoreArtifacts");
        b.restoreArtifacts().forEach(a -> restore.add(a.id()));
        ObjectNode files = root.putObject("snapshotFiles");
        files.put("directory", b.snapshotDirectory());
        files.put("manual", b.manualFileName());
        files.put("recurring", b.recurringFileName());
        root.put("stateFile", i.stateFile().isEmpty() ? null : i.stateFile());
        root.put("hasErrors", i.hasErrors());
        ArrayNode warnings = root.putArray("warnings");
        for (ConfigWarning w : i.warnings()) {
            ObjectNode n = warnings.addObject();
            n.put("code", w.code().name());
            n.put("severity", w.severity().name());
            if (w.line() > 0) {
                n.put("line", w.line());
            }
            n.put("message", w.message());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render inspection as JSON", e);
        }
    }

    private static void putHours(ObjectNode n, String field, Duration d) {
        if (d.toSeconds() % 3600 == 0) {
            n.put(field, d.toHours());
        } else {
            n.put(field, d.toSeconds() / 3600.0);
        }
    }
}
