package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ConfigEditor;
import dev.rkebackup.rke.config.ConfigGeneration;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.exec.RecurringSnapshotsResult;
import dev.rkebackup.rke.exec.RkeRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup enable-recurring}: the safe edit that switches on RKE's recurring snapshots. */
@Command(name = "enable-recurring", mixinStandardHelpOptions = true,
        description = "Switch on RKE's recurring etcd snapshots in the cluster config, in the form the RKE version "
                + "reads (services.etcd.snapshot, backup_config or the v0.1.x fields), optionally with S3. Only the "
                + "lines that must change are changed; the diff is printed, the original kept as FILE.bak. With "
                + "--apply, 'rke up' is run to make it take effect. S3 keys come from AWS_ACCESS_KEY_ID/"
                + "AWS_SECRET_ACCESS_KEY, never from flags.")
final class EnableRecurringCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--interval-hours", paramLabel = "N", description = "Hours between snapshots.")
    int intervalHours;

    @Option(names = "--retention", paramLabel = "N",
            description = "How many snapshots RKE keeps (a count: RKE keeps N x interval hours; not days).")
    int retention;

    @Option(names = "--s3-bucket", paramLabel = "B", description = "Also upload to this S3 bucket.")
    String s3Bucket;

    @Option(names = "--s3-endpoint", paramLabel = "E", description = "S3 endpoint host[:port] (RKE always uses TLS).")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "R", description = "S3 region.")
    String s3Region;

    @Option(names = "--s3-folder", paramLabel = "F", description = "Key prefix in the bucket (RKE v0.2.7+).")
    String s3Folder;

    @Option(names = "--s3-custom-ca-file", paramLabel = "PEM",
            description = "CA certificate (PEM) of a private S3 endpoint (RKE v0.2.5+).")
    Path s3CustomCaFile;

    @Option(names = "--dry-run", description = "Print the diff; write nothing.")
    boolean dryRun;

    @Option(names = "--apply", description = "After writing the file, run 'rke up' (needs --rke or rke on PATH).")
    boolean apply;

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (intervalHours < 0 || retention < 0) {
            throw new InvalidInputException("--interval-hours and --retention must be positive numbers");
        }
        if (dryRun && apply) {
            throw new InvalidInputException("--dry-run and --apply exclude each other");
        }
        cluster.config().requireEtcdNodes();
        RkeVersion version = apply ? cluster.binary().version() : cluster.requireVersion();
        UnaryOperator<ConfigEditor> edits = edits(version);
        PrintWriter out = spec.commandLine().getOut();
        if (intervalHours == 0 && cluster.config().etcd().creation().isEmpty()) {
            RestoreGuide.of(version).shortDefaultInterval().ifPresent(w -> {
                spec.commandLine().getErr().println("warning: " + w);
                spec.commandLine().getErr().flush();
            });
        }
        if (apply) {
            RecurringSnapshotsResult r = RkeRunner.builder(cluster.binary()).build()
                    .applyRecurringSnapshots(cluster.config, edits);
            print(out, r.diff(), r.configChanged(), r.configBackup().map(Path::toString).orElse(null),
                    r.confirmed());
            if (!r.confirmed()) {
                throw new ExitCodeException(RkeBackupCli.FAILED, "rke up did not confirm 'Finished building "
                        + "Kubernetes cluster successfully'; recurring snapshots may not be active. Check rke's "
                        + "output (--verbose) and run 'rke up' again");
            }
            return RkeBackupCli.OK;
        }
        ConfigEditor editor = edits.apply(ConfigEditor.of(cluster.config()));
        String backup = null;
        if (!dryRun && editor.isChanged()) {
            backup = editor.apply().toString();
        }
        print(out, editor.diff(), editor.isChanged(), backup, null);
        return RkeBackupCli.OK;
    }

    private UnaryOperator<ConfigEditor> edits(RkeVersion version) {
        S3BackupConfig s3 = s3();
        boolean migrate = version.has(RkeFeature.BACKUP_CONFIG)
                && cluster.config().configGeneration() == ConfigGeneration.LEGACY
                && (s3 != null || intervalHours > 0 || retention > 0);
        return e -> {
            // v0.2.0+ reads schedule and S3 from backup_config; writing them next to v0.1.x fields would leave
            // two schedules of which RKE silently uses one, so the v0.1.x fields are migrated first.
            ConfigEditor start = migrate ? e.migrateToBackupConfig(version) : e;
            ConfigEditor edited = start.enableRecurringSnapshots(version)
                    .withSchedule(intervalHours, retention, version);
            return s3 == null ? edited : edited.withS3(s3);
        };
    }

    private S3BackupConfig s3() {
        boolean any = s3Bucket != null || s3Endpoint != null || s3Region != null || s3Folder != null
                || s3CustomCaFile != null;
        if (!any) {
            return null;
        }
        if (s3Bucket == null || s3Endpoint == null) {
            throw new InvalidInputException("S3 needs both --s3-bucket and --s3-endpoint");
        }
        S3BackupConfig.Builder b = S3BackupConfig.builder().bucketName(s3Bucket).endpoint(s3Endpoint);
        if (s3Region != null) {
            b.region(s3Region);
        }
        if (s3Folder != null) {
            b.folder(s3Folder);
        }
        if (s3CustomCaFile != null) {
            try {
                b.customCa(Files.readString(s3CustomCaFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new InvalidInputException("cannot read --s3-custom-ca-file " + s3CustomCaFile + ": "
                        + e.getMessage());
            }
        }
        String id = System.getenv("AWS_ACCESS_KEY_ID");
        String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
        if ((id == null || id.isEmpty()) != (secret == null || secret.isEmpty())) {
            throw new InvalidInputException("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither "
                    + "(then the nodes use their EC2 instance profile)");
        }
        if (id != null && !id.isEmpty()) {
            b.accessKey(Secret.of(id)).secretKey(Secret.of(secret));
        }
        return b.build();
    }

    private void print(PrintWriter out, String diff, boolean changed, String backup, Boolean confirmed) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("config", cluster.config.toString());
            n.put("changed", changed);
            n.put("written", backup != null);
            n.put("backup", backup);
            n.put("diff", diff);
            if (confirmed != null) {
                n.put("rkeUpConfirmed", confirmed);
            }
            Json.print(out, n);
            return;
        }
        if (!changed) {
            out.println(cluster.config + " already has these recurring snapshot settings; nothing to change.");
        } else {
            out.print(diff);
            if (!diff.endsWith("\n")) {
                out.println();
            }
            out.println(backup != null ? "wrote " + cluster.config + " (previous version kept as " + backup + ")"
                    : "dry run: " + cluster.config + " was not changed");
        }
        if (confirmed != null) {
            out.println(confirmed ? "rke up confirmed: recurring snapshots are active"
                    : "rke up did NOT confirm the change");
        }
        out.flush();
    }
}
