package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.config.BackupConfig;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.exec.RkeRunner;
import dev.rkebackup.rke.exec.SnapshotResult;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup snapshot}: a one-time snapshot with rke, secrets kept out of the process list. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Take a one-time etcd snapshot with 'rke etcd snapshot-save'. The outcome is read from rke's "
                + "output, not only its exit code (partial failures exit 0 in RKE v1.3.13+).")
final class SnapshotCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--name", paramLabel = "N",
            description = "Snapshot name (bare, no .zip). Default: RKE's own rke_etcd_snapshot_<time>.")
    String name;

    @Option(names = "--s3", description = "Also upload to the S3 settings of the config's s3backupconfig; keys "
            + "from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when set. Keys never go on rke's command line.")
    boolean s3;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up after this long (default 30m).")
    Duration timeout = Duration.ofMinutes(30);

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        cluster.config().requireEtcdNodes();
        SnapshotSaveRequest.Builder req = SnapshotSaveRequest.builder(cluster.config);
        if (name != null) {
            req.name(name);
        }
        if (s3) {
            req.s3(s3Settings());
        }
        RkeRunner runner = RkeRunner.builder(cluster.binary()).timeout(timeout).build();
        SnapshotResult r = runner.snapshotSave(req.build());
        print(r);
        if (!r.isSuccess()) {
            RkeLines.print(spec.commandLine().getErr(), r.output());
            throw new ExitCodeException(RkeBackupCli.FAILED, "snapshot " + r.snapshotName() + " ended with "
                    + r.status() + r.failureMessage().map(m -> ": " + m).orElse("")
                    + "; see the hosts above, fix them and take the snapshot again");
        }
        return RkeBackupCli.OK;
    }

    private S3BackupConfig s3Settings() {
        S3BackupConfig fromFile = cluster.config().etcd().backupConfig().flatMap(BackupConfig::s3)
                .orElseThrow(() -> new InvalidInputException("--s3 needs services.etcd.backup_config.s3backupconfig"
                        + " in " + cluster.config + " (bucket_name, endpoint, ...); add it with 'rke-backup "
                        + "enable-recurring --s3-bucket ... --s3-endpoint ...'"));
        S3BackupConfig.Builder b = fromFile.toBuilder();
        String id = System.getenv("AWS_ACCESS_KEY_ID");
        String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
        if (id != null && !id.isEmpty()) {
            b.accessKey(Secret.of(id));
        }
        if (secret != null && !secret.isEmpty()) {
            b.secretKey(Secret.of(secret));
        }
        return b.build();
    }

    private void print(SnapshotResult r) {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> hosts = new LinkedHashMap<>();
        r.etcdHosts().forEach(h -> hosts.put(h, "ok"));
        r.failedHosts().forEach(h -> hosts.put(h, "failed"));
        r.uploadFailedHosts().forEach(h -> hosts.put(h, "upload-failed"));
        r.droppedHosts().forEach(h -> hosts.put(h, "unreachable"));
        boolean unattributed = r.failedHostCount() > r.failedHosts().size()
                || r.uploadFailedHostCount() > r.uploadFailedHosts().size();
        if (!r.isSuccess() && (r.expectedFiles().isEmpty() || unattributed)) {
            // RKE v1.3.13+ prints only how many hosts failed, not which: no host can be called ok then
            hosts.replaceAll((h, s) -> s.equals("ok") ? "unknown" : s);
        }
        if (json) {
            ObjectNode n = Json.object();
            n.put("name", r.snapshotName());
            n.put("fileName", r.fileName());
            n.put("rkeVersion", cluster.binary().version().toString());
            n.put("outcome", r.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            n.put("exitCode", r.exitCode());
            ArrayNode arr = n.putArray("hosts");
            hosts.forEach((h, s) -> arr.addObject().put("host", h).put("status", s));
            if (r.s3Key().isPresent()) {
                n.put("s3Key", r.s3Key().get());
            } else {
                n.putNull("s3Key");
            }
            Json.print(out, n);
            return;
        }
        out.printf("snapshot %s: %s (%s, rke exit code %d)%n", r.snapshotName(), r.status(), r.fileName(),
                r.exitCode());
        List<String> lines = new ArrayList<>();
        hosts.forEach((h, s) -> lines.add("  " + h + ": " + s));
        lines.forEach(out::println);
        r.s3Key().ifPresent(k -> out.println("  s3 key: " + k));
    }
}
