package dev.rkebackup.rke.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.CommandException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.BackupConfig;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.ConfigEditor;
import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.config.S3BackupConfig;
import dev.rkebackup.rke.exec.internal.OutputPipeline;
import dev.rkebackup.rke.exec.internal.PrivateConfigCopy;
import dev.rkebackup.rke.exec.internal.ProcessRunner;
import dev.rkebackup.rke.exec.internal.Redactor;
import dev.rkebackup.rke.exec.internal.S3Settings;
import dev.rkebackup.rke.exec.internal.SaveClassifier;
import dev.rkebackup.rke.exec.internal.SaveOutputAnalyzer;
import dev.rkebackup.rke.exec.internal.VersionGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plans and runs one {@code rke etcd snapshot-save} for {@link RkeRunner}. Stateless apart from the runner. */
final class SnapshotSaver {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSaver.class);
    private final RkeRunner runner;

    SnapshotSaver(RkeRunner runner) {
        this.runner = runner;
    }

    SnapshotResult save(SnapshotSaveRequest request) {
        RkeBinary binary = runner.binary();
        RkeVersion version = binary.version();
        VersionGate.require(RkeFeature.SNAPSHOTS, "rke etcd snapshot-save",
                "older versions have no etcd snapshot command", version, binary.path());
        Path configFile = request.configFile().toAbsolutePath();
        ClusterConfig config = ClusterConfig.load(configFile);
        List<String> etcdHosts = config.requireEtcdNodes().stream().map(RkeNode::address).toList();
        String name = request.name().orElseGet(() -> SnapshotNames.defaultName(runner.clock()));
        Optional<S3BackupConfig> configS3 = config.etcd().backupConfig().flatMap(BackupConfig::s3);
        S3BackupConfig s3 = switch (request.upload()) {
            case CONFIG -> configS3.orElse(null);
            case GIVEN -> withDefaultEndpoint(request.s3().orElseThrow());
            case LOCAL_ONLY -> null;
        };
        if (s3 != null) {
            S3Settings.check(s3, version, binary.path());
            if (request.upload() == SnapshotSaveRequest.Upload.CONFIG && s3.endpoint().isEmpty()) {
                throw new InvalidInputException(configFile + ": s3backupconfig has no endpoint; RKE refuses with "
                        + "\"etcd s3 backup backend endpoint can't be empty\". Add endpoint (e.g. s3.amazonaws.com).");
            }
        }
        warnIfBackupDisabled(config, configFile);
        if (version.has(RkeFeature.STATE_IN_SNAPSHOT) && config.stateFilePath().filter(Files::isRegularFile)
                .isEmpty()) {
            LOG.warn("{} has no {} next to it: snapshot {} will not contain the cluster state, and a restore will "
                    + "need the state file from elsewhere. Retrieve it with 'rke util get-state-file' ("
                    + RkeFeature.GET_STATE_FILE.since() + "+) or copy it from where 'rke up' ran.",
                    configFile, config.stateFilePath().map(Path::getFileName).orElse(null), name);
        }
        List<Secret> secrets = new ArrayList<>();
        configS3.ifPresent(c -> secrets.addAll(S3Settings.secrets(c)));
        request.s3().ifPresent(c -> secrets.addAll(S3Settings.secrets(c)));
        config.nodes().forEach(n -> n.sshKey().ifPresent(secrets::add));
        boolean flags = s3 != null && request.upload() == SnapshotSaveRequest.Upload.GIVEN
                && request.keysOnCommandLine();
        if (request.keysOnCommandLine() && !flags) {
            LOG.info("keysOnCommandLine has no effect for snapshot {}: no S3 settings were given in code, so the "
                    + "keys (if any) come from {}", name, configFile);
        }
        PrivateConfigCopy.ConfigWriter writer = writer(config, request, s3, flags, configS3.isPresent(), configFile);
        List<Path> siblings = new ArrayList<>();
        config.stateFilePath().ifPresent(siblings::add);
        config.kubeconfigPath().ifPresent(siblings::add);
        Duration timeout = request.timeout().orElse(runner.defaultTimeout());
        try (PrivateConfigCopy copy = PrivateConfigCopy.create(runner.workDirectory(),
                configFile.getFileName().toString(), writer, siblings)) {
            List<String> argv = new ArrayList<>(List.of(binary.path().toString(), "etcd", "snapshot-save",
                    "--config", copy.configFile().toString(), "--name", name));
            if (request.sshAgentAuth()) {
                argv.add("--ssh-agent-auth");
            }
            if (request.ignoreDockerVersion()) {
                argv.add("--ignore-docker-version");
            }
            if (flags) {
                Path ca = s3.customCa().map(pem -> copy.writeFile("s3-endpoint-ca.pem", pem)).orElse(null);
                argv.addAll(S3Settings.toFlags(s3, ca));
                if (S3Settings.hasKeys(s3)) {
                    LOG.warn("Passing the S3 access and secret key of snapshot {} as rke command-line flags, as "
                            + "requested: every user on this host can read them with ps while rke runs", name);
                }
            }
            RkeCommand command = new RkeCommand(RkeCommand.Kind.SNAPSHOT_SAVE, argv, configFile.getParent(),
                    copy.configFile(), version.finalSaveMessage(name), secrets);
            SaveOutputAnalyzer analyzer = new SaveOutputAnalyzer(version.finalSaveMessage(name), name);
            OutputPipeline pipeline = new OutputPipeline(Redactor.of(secrets), runner.listener(), analyzer::accept);
            LOG.info("Taking etcd snapshot {} with rke {} on {} etcd hosts{}", name, version, etcdHosts.size(),
                    s3 == null ? "" : " and uploading it to bucket " + s3.bucketName().orElse(""));
            ProcessRunner.Execution ex = runner.execute(command, timeout, pipeline);
            SaveClassifier.Outcome o = SaveClassifier.classify(analyzer.findings(), ex, etcdHosts);
            String fileName = version.snapshotFileName(name);
            SnapshotResult result = new SnapshotResult(o.status(), name, fileName,
                    s3 == null ? null : S3Settings.objectKey(s3, fileName), etcdHosts,
                    analyzer.findings().droppedHosts(), o.failedHosts(), o.failedHostCount(), o.uploadFailedHosts(),
                    o.uploadFailedHostCount(), o.expectedHosts(), ex.timedOut() ? timedOut(timeout)
                    : o.failureMessage(), ex.exitCode(), ex.elapsed(),
                    command, pipeline.lines());
            report(result, timeout);
            return result;
        }
    }

    private static S3BackupConfig withDefaultEndpoint(S3BackupConfig s3) {
        return s3.endpoint().isPresent() ? s3 : s3.toBuilder().endpoint(S3Settings.DEFAULT_ENDPOINT).build();
    }

    private static PrivateConfigCopy.ConfigWriter writer(ClusterConfig config, SnapshotSaveRequest request,
            S3BackupConfig s3, boolean flags, boolean configHasS3, Path configFile) {
        if (request.upload() == SnapshotSaveRequest.Upload.GIVEN && !flags) {
            return ConfigEditor.of(config).withS3(s3)::writeTo;
        }
        if (request.upload() == SnapshotSaveRequest.Upload.LOCAL_ONLY && configHasS3) {
            LOG.info("{} has S3 settings; they are left out of this local-only snapshot run", configFile);
            ObjectNode tree = (ObjectNode) config.tree();
            PrivateConfigCopy.removeS3(tree);
            return PrivateConfigCopy.yamlTree(tree);
        }
        return ConfigEditor.of(config)::writeTo;
    }

    private static void warnIfBackupDisabled(ClusterConfig config, Path configFile) {
        Optional<BackupConfig> bc = config.etcd().backupConfig();
        if (bc.isPresent() && bc.get().enabled().equals(Optional.of(false)) && bc.get().intervalHours().isEmpty()) {
            LOG.warn("{} has backup_config.enabled: false without interval_hours: RKE then passes --creation=0h and "
                    + "rke-tools may refuse the snapshot (\"Creation period and/or retention are not set\"). Remove "
                    + "enabled: false or set interval_hours and retention.", configFile);
        }
    }

    private static void report(SnapshotResult r, Duration timeout) {
        switch (r.status()) {
            case SUCCESS -> LOG.info("Snapshot {} saved on all {} etcd hosts in {} s", r.snapshotName(),
                    r.etcdHosts().size(), r.elapsed().toSeconds());
            case TIMED_OUT -> LOG.error("rke etcd snapshot-save {} did not finish within {} and was killed; hosts "
                    + "that may hold a (partial) file: {}", r.snapshotName(), timeout, r.expectedFiles().keySet());
            default -> LOG.warn("Snapshot {} ended with {}: dropped hosts {}, failed hosts {} of {}, upload failures "
                    + "{}; hosts that should hold {}: {}", r.snapshotName(), r.status(), r.droppedHosts(),
                    r.failedHosts(), r.failedHostCount(), r.uploadFailedHostCount(), r.fileName(),
                    r.expectedFiles().keySet());
        }
    }

    /**
     * The failure text of a run our timeout ended.
     *
     * @param timeout the timeout
     * @return e.g. {@code rke timed out after 3s and was stopped with its child processes}
     */
    static String timedOut(Duration timeout) {
        long s = timeout.toSeconds();
        String n = s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s >= 120 ? s / 60 + "m" : s + "s";
        return "rke timed out after " + n + " and was stopped with its child processes";
    }

    static CommandException startFailure(RkeCommand command, ProcessRunner.StartException e) {
        return new CommandException("Cannot start " + command.redactedArguments().get(0) + ": " + e.getMessage()
                + ". Check that the rke binary still exists and is executable.", command.redactedArguments(), -1, "",
                e);
    }
}
