package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.rke.exec.SnapshotStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a {@code snapshot-save} printed and how it exited into a {@link SnapshotStatus} plus host lists.
 * Success needs all three: exit 0, the version's final message, no failure summary. Stateless.
 */
public final class SaveClassifier {
    private SaveClassifier() {
    }

    /**
     * The classified outcome.
     *
     * @param status the status
     * @param failedHosts hosts known to have failed the save
     * @param failedHostCount number of hosts that failed the save
     * @param uploadFailedHosts hosts known to have failed the upload
     * @param uploadFailedHostCount number of hosts that failed the upload
     * @param expectedHosts etcd hosts that may hold the snapshot
     * @param failureMessage fatal or panic text, or null
     */
    public record Outcome(SnapshotStatus status, List<String> failedHosts, int failedHostCount,
            List<String> uploadFailedHosts, int uploadFailedHostCount, List<String> expectedHosts,
            String failureMessage) {
    }

    /**
     * Classifies a finished run.
     *
     * @param f what the output said
     * @param execution how the process ended
     * @param etcdHosts etcd host addresses of the cluster.yml, in order
     * @return the outcome
     */
    public static Outcome classify(SaveOutputAnalyzer.Findings f, ProcessRunner.Execution execution,
            List<String> etcdHosts) {
        List<String> failed = new ArrayList<>(f.failedHosts());
        List<String> reachable = new ArrayList<>(etcdHosts);
        reachable.removeAll(f.droppedHosts());
        boolean stoppedEarly = execution.exitCode() != 0 && !f.allUploadFailed() && f.panic() == null;
        if (stoppedEarly && failed.isEmpty() && f.fatal() != null && !f.attemptedHosts().isEmpty()
                && !f.allSaveFailed()) {
            // v0.1.x/v0.2.x name no host in the fatal line: the save aborted on the host it was working on
            failed.add(f.attemptedHosts().get(f.attemptedHosts().size() - 1));
        }
        int failedCount = Math.max(failed.size(), f.partialSaveFailures());
        if (f.allSaveFailed()) {
            failedCount = reachable.size();
        }
        int uploadCount = Math.max(f.uploadFailedHosts().size(), f.partialUploadFailures());
        if (f.allUploadFailed()) {
            uploadCount = Math.max(uploadCount, reachable.size() - failedCount);
        }
        List<String> expected = new ArrayList<>(reachable);
        expected.removeAll(failed);
        if (f.allSaveFailed()) {
            expected.clear();
        } else if (stoppedEarly || execution.timedOut() || execution.cancelled()) {
            expected.retainAll(f.attemptedHosts()); // hosts after the abort were never reached
        }
        String message = f.panic() != null ? f.panic() : f.fatal();
        SnapshotStatus status = status(f, execution, etcdHosts);
        return new Outcome(status, failed, failedCount, f.uploadFailedHosts(), uploadCount, expected, message);
    }

    private static SnapshotStatus status(SaveOutputAnalyzer.Findings f, ProcessRunner.Execution execution,
            List<String> etcdHosts) {
        if (execution.cancelled()) {
            return SnapshotStatus.CANCELLED;
        }
        if (execution.timedOut()) {
            return SnapshotStatus.TIMED_OUT;
        }
        if (execution.exitCode() == 2 && f.panic() != null && (f.savedOnAll() || f.partialSaveFailures() > 0)) {
            return SnapshotStatus.PANIC_AFTER_SAVE;
        }
        if (execution.exitCode() != 0) {
            return f.allUploadFailed() ? SnapshotStatus.UPLOAD_FAILED : SnapshotStatus.FAILED;
        }
        if (f.partialSaveFailures() > 0) {
            return SnapshotStatus.PARTIAL_FAILURE;
        }
        if (f.partialUploadFailures() > 0) {
            return SnapshotStatus.UPLOAD_FAILED;
        }
        if (!f.finalMessageSeen()) {
            return SnapshotStatus.UNCONFIRMED;
        }
        if (f.droppedHosts().stream().anyMatch(etcdHosts::contains)) {
            return SnapshotStatus.HOSTS_DROPPED;
        }
        return SnapshotStatus.SUCCESS;
    }
}
