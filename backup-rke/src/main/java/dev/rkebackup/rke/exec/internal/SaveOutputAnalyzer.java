package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.rke.exec.RkeLogLevel;
import dev.rkebackup.rke.exec.RkeOutputLine;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the (redacted) output of {@code rke etcd snapshot-save} line by line and remembers what matters for the
 * outcome: the final message, partial-failure summaries (including the {@code %!s(int=N)} format bug), dropped and
 * failed hosts, the fatal line and a Go panic. Message texts follow rke-facts section 6. Thread-safe (lines from
 * stdout and stderr may arrive concurrently).
 */
public final class SaveOutputAnalyzer {
    private static final Pattern PARTIAL_SAVE = Pattern.compile(
            "^\\[etcd\\] Failed to take snapshot on (?:%!s\\(int=)?(\\d+)\\)? etcd hosts$");
    private static final Pattern PARTIAL_UPLOAD = Pattern.compile(
            "^\\[etcd\\] Failed to upload etcd snapshot file to s3 on (?:%!s\\(int=)?(\\d+)\\)? etcd hosts$");
    private static final String ALL_SAVE_FAILED = "[etcd] Failed to take snapshot on all etcd hosts";
    private static final String ALL_UPLOAD_FAILED =
            "[etcd] Failed to upload etcd snapshot file to s3 on all etcd hosts";
    private static final Pattern REMOVING = Pattern.compile("^Removing host \\[([^\\]]+)\\] from node lists$");
    private static final Pattern ATTEMPT = Pattern.compile(
            "^\\[etcd\\] (?:Running snapshot save once on host|Saving snapshot \\[.*\\] on host) \\[([^\\]]+)\\]$");
    private static final Pattern SAVE_FAILED_HOST = Pattern.compile(
            "(?i)(?:failed to take one-time snapshot on host|etcd is not running on host|did not exit in time on "
                    + "host) \\[([^\\]]+)\\]");
    private static final Pattern UPLOAD_FAILED_HOST = Pattern.compile(
            "failed to upload etcd snapshot file to s3 on host \\[([^\\]]+)\\]");

    private final String finalMessage;
    private final String savedOnAllMessage;
    private final Set<String> dropped = new LinkedHashSet<>();
    private final Set<String> attempted = new LinkedHashSet<>();
    private final Set<String> failedNamed = new LinkedHashSet<>();
    private final Set<String> uploadFailedNamed = new LinkedHashSet<>();
    private boolean finalSeen;
    private boolean savedOnAll;
    private int partialSave;
    private int partialUpload;
    private boolean allSaveFailed;
    private boolean allUploadFailed;
    private String fatal;
    private String panic;

    /**
     * Creates an analyzer for one run.
     *
     * @param finalMessage the exact final success message of the RKE version for this snapshot name
     * @param snapshotName the snapshot name
     */
    public SaveOutputAnalyzer(String finalMessage, String snapshotName) {
        this.finalMessage = finalMessage;
        this.savedOnAllMessage = "[etcd] Finished saving snapshot [" + snapshotName + "] on all etcd hosts";
    }

    /**
     * Takes one parsed, redacted line.
     *
     * @param line the line
     */
    public synchronized void accept(RkeOutputLine line) {
        String msg = line.message();
        if (line.level() == RkeLogLevel.UNKNOWN) {
            if (line.stream() == RkeOutputLine.Stream.STDERR && msg.startsWith("panic: ") && panic == null) {
                panic = msg;
            }
            return;
        }
        if (line.level() == RkeLogLevel.INFO && msg.equals(finalMessage)) {
            finalSeen = true;
        }
        if (msg.equals(savedOnAllMessage)) {
            savedOnAll = true;
        }
        match(REMOVING, msg, dropped);
        match(ATTEMPT, msg, attempted);
        Matcher m = PARTIAL_SAVE.matcher(msg);
        if (m.matches()) {
            partialSave = Integer.parseInt(m.group(1));
        }
        m = PARTIAL_UPLOAD.matcher(msg);
        if (m.matches()) {
            partialUpload = Integer.parseInt(m.group(1));
        }
        if (msg.startsWith(ALL_SAVE_FAILED)) {
            allSaveFailed = true;
        }
        if (msg.equals(ALL_UPLOAD_FAILED)) {
            allUploadFailed = true;
        }
        if (line.level() == RkeLogLevel.WARNING || line.level() == RkeLogLevel.FATAL
                || line.level() == RkeLogLevel.ERROR) {
            findAll(UPLOAD_FAILED_HOST, msg, uploadFailedNamed);
            if (!msg.contains("failed to upload etcd snapshot file")) {
                findAll(SAVE_FAILED_HOST, msg, failedNamed);
            }
        }
        if (line.level() == RkeLogLevel.FATAL && fatal == null) {
            fatal = msg;
        }
    }

    private static void match(Pattern p, String msg, Set<String> into) {
        Matcher m = p.matcher(msg);
        if (m.matches()) {
            into.add(m.group(1));
        }
    }

    private static void findAll(Pattern p, String msg, Set<String> into) {
        Matcher m = p.matcher(msg);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** @return a consistent copy of what was seen so far */
    public synchronized Findings findings() {
        return new Findings(finalSeen, savedOnAll, partialSave, partialUpload, allSaveFailed, allUploadFailed,
                new ArrayList<>(dropped), new ArrayList<>(attempted), new ArrayList<>(failedNamed),
                new ArrayList<>(uploadFailedNamed), fatal, panic);
    }

    /**
     * What the output said.
     *
     * @param finalMessageSeen the version's final success message was printed
     * @param savedOnAll {@code [etcd] Finished saving snapshot [...] on all etcd hosts} (v1.3.13+) was printed
     * @param partialSaveFailures N of {@code Failed to take snapshot on %!s(int=N) etcd hosts}, else 0
     * @param partialUploadFailures N of {@code Failed to upload ... on %!s(int=N) etcd hosts}, else 0
     * @param allSaveFailed {@code Failed to take snapshot on all etcd hosts} was printed
     * @param allUploadFailed {@code Failed to upload etcd snapshot file to s3 on all etcd hosts} was printed
     * @param droppedHosts hosts from {@code Removing host [...] from node lists}
     * @param attemptedHosts hosts a save was started on, in order
     * @param failedHosts hosts named in snapshot failure texts
     * @param uploadFailedHosts hosts named in upload failure texts
     * @param fatal the first fatal message, or null
     * @param panic the Go panic line, or null
     */
    public record Findings(boolean finalMessageSeen, boolean savedOnAll, int partialSaveFailures,
            int partialUploadFailures, boolean allSaveFailed, boolean allUploadFailed, List<String> droppedHosts,
            List<String> attemptedHosts, List<String> failedHosts, List<String> uploadFailedHosts, String fatal,
            String panic) {
        /** Copies the lists. */
        public Findings {
            droppedHosts = List.copyOf(droppedHosts);
            attemptedHosts = List.copyOf(attemptedHosts);
            failedHosts = List.copyOf(failedHosts);
            uploadFailedHosts = List.copyOf(uploadFailedHosts);
        }
    }
}
