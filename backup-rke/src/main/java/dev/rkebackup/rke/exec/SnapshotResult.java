package dev.rkebackup.rke.exec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@code rke etcd snapshot-save} run: the {@link SnapshotStatus}, which hosts were dropped or
 * failed, which file each node should hold, the S3 key, and the redacted output.
 *
 * <p>Host lists hold addresses as written in cluster.yml. RKE v1.3.13+ prints only the <em>number</em> of hosts
 * that failed ({@code %!s(int=N)}) plus the first error, so {@link #failedHosts()} may name fewer hosts than
 * {@link #failedHostCount()}; confirm by collecting files from {@link #expectedFiles()}.
 *
 * <p>Immutable and thread-safe; contains no secret (the output is redacted).
 */
public final class SnapshotResult {
    private final SnapshotStatus status;
    private final String snapshotName;
    private final String fileName;
    private final String s3Key;
    private final List<String> etcdHosts;
    private final List<String> droppedHosts;
    private final List<String> failedHosts;
    private final int failedHostCount;
    private final List<String> uploadFailedHosts;
    private final int uploadFailedHostCount;
    private final List<String> expectedHosts;
    private final String failureMessage;
    private final int exitCode;
    private final Duration elapsed;
    private final RkeCommand command;
    private final List<RkeOutputLine> output;

    SnapshotResult(SnapshotStatus status, String snapshotName, String fileName, String s3Key,
            List<String> etcdHosts, List<String> droppedHosts, List<String> failedHosts, int failedHostCount,
            List<String> uploadFailedHosts, int uploadFailedHostCount, List<String> expectedHosts,
            String failureMessage, int exitCode, Duration elapsed, RkeCommand command, List<RkeOutputLine> output) {
        this.status = Objects.requireNonNull(status, "status");
        this.snapshotName = Objects.requireNonNull(snapshotName, "snapshotName");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.s3Key = s3Key;
        this.etcdHosts = List.copyOf(etcdHosts);
        this.droppedHosts = List.copyOf(droppedHosts);
        this.failedHosts = List.copyOf(failedHosts);
        this.failedHostCount = failedHostCount;
        this.uploadFailedHosts = List.copyOf(uploadFailedHosts);
        this.uploadFailedHostCount = uploadFailedHostCount;
        this.expectedHosts = List.copyOf(expectedHosts);
        this.failureMessage = failureMessage;
        this.exitCode = exitCode;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.command = Objects.requireNonNull(command, "command");
        this.output = List.copyOf(output);
    }

    /** @return how the run ended */
    public SnapshotStatus status() {
        return status;
    }

    /** @return true only when {@link #status()} is {@link SnapshotStatus#SUCCESS} */
    public boolean isSuccess() {
        return status.isSuccess();
    }

    /** @return the bare snapshot name passed with {@code --name} */
    public String snapshotName() {
        return snapshotName;
    }

    /** @return the file name in {@code /opt/rke/etcd-snapshots/} on each node: {@code <name>.zip} (v0.2.5+) or
     *     {@code <name>} */
    public String fileName() {
        return fileName;
    }

    /** @return the S3 object key ({@code <folder>/<file>} or {@code <file>}) when an upload was requested */
    public Optional<String> s3Key() {
        return Optional.ofNullable(s3Key);
    }

    /** @return the etcd hosts of the cluster.yml used */
    public List<String> etcdHosts() {
        return etcdHosts;
    }

    /** @return hosts RKE dropped as unreachable ({@code Removing host [...] from node lists}), any role */
    public List<String> droppedHosts() {
        return droppedHosts;
    }

    /** @return etcd hosts the output names as failed to take the snapshot */
    public List<String> failedHosts() {
        return failedHosts;
    }

    /** @return how many etcd hosts failed to take the snapshot (from the summary line when printed) */
    public int failedHostCount() {
        return failedHostCount;
    }

    /** @return hosts the output names as failed to upload */
    public List<String> uploadFailedHosts() {
        return uploadFailedHosts;
    }

    /** @return how many hosts failed to upload to S3 */
    public int uploadFailedHostCount() {
        return uploadFailedHostCount;
    }

    /**
     * Returns, per etcd host that may hold the snapshot, the file name to look for in
     * {@code /opt/rke/etcd-snapshots/}: etcd hosts minus dropped hosts minus hosts named as failed, and for runs
     * that stopped early only the hosts RKE reached.
     *
     * @return host address to file name, in cluster.yml order
     */
    public Map<String, String> expectedFiles() {
        Map<String, String> out = new LinkedHashMap<>();
        expectedHosts.forEach(h -> out.put(h, fileName));
        return out;
    }

    /** @return the redacted message of the fatal line or the panic, when there was one */
    public Optional<String> failureMessage() {
        return Optional.ofNullable(failureMessage);
    }

    /** @return the exit code, -1 when the process was killed (timeout, cancellation) */
    public int exitCode() {
        return exitCode;
    }

    /** @return the wall time of the run */
    public Duration elapsed() {
        return elapsed;
    }

    /** @return the command that ran (key values redacted in its display form) */
    public RkeCommand command() {
        return command;
    }

    /** @return the redacted output lines (the last lines when the output was very long) */
    public List<RkeOutputLine> output() {
        return output;
    }

    @Override
    public String toString() {
        return "SnapshotResult[status=" + status + ", name=" + snapshotName + ", exitCode=" + exitCode
                + ", dropped=" + droppedHosts + ", failed=" + failedHostCount + failedHosts + ", uploadFailed="
                + uploadFailedHostCount + uploadFailedHosts + ", expected=" + expectedHosts + "]";
    }
}
