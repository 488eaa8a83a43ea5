package dev.rkebackup.rke.backup;

import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.RemoteFile;
import dev.rkebackup.rke.snapshot.SnapshotCheck;
import dev.rkebackup.rke.snapshot.SnapshotLayout;
import dev.rkebackup.rke.snapshot.SnapshotVerifyingInputStream;
import dev.rkebackup.core.storage.ReopenableContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the snapshot from the etcd nodes into a set, checking each copy on the way (bbolt header, SHA-256
 * trailer, inside the zip for v0.2.5+). A copy that fails the check is removed from the set and reported.
 */
final class SnapshotCollector {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCollector.class);

    /** What collection produced. */
    record Outcome(List<ArtifactEntry> stored, List<NodeReport> reports, boolean stateInSnapshot) {
    }

    private record Opening(CountingInputStream raw, SnapshotVerifyingInputStream in) {
    }

    private record Attempt(NodeReport report, ArtifactEntry entry, boolean stateEntry) {
    }

    private final BackupSetWriter writer;
    private final NodeSessions sessions;
    private final String snapshotName;
    private final String fileName;
    private final String remotePath;
    private final SnapshotLayout layout;

    SnapshotCollector(BackupSetWriter writer, NodeSessions sessions, RkeVersion version, String directory,
            String snapshotName) {
        this.writer = writer;
        this.sessions = sessions;
        this.snapshotName = snapshotName;
        this.fileName = version.snapshotFileName(snapshotName);
        this.remotePath = directory + "/" + fileName;
        this.layout = version.has(RkeFeature.ZIPPED_SNAPSHOTS) ? SnapshotLayout.RKE_ZIP : SnapshotLayout.PLAIN;
    }

    Outcome collect(CollectionStrategy strategy) {
        List<Attempt> attempts = new ArrayList<>();
        if (strategy == CollectionStrategy.ALL_NODES) {
            attempts.addAll(sessions.inParallel(s -> attempt(s, "snapshots/" + s.label() + "/" + fileName)));
        } else {
            boolean done = false;
            for (NodeSessions.Session s : sessions.sessions()) {
                if (done) {
                    attempts.add(new Attempt(new NodeReport(s.label(), NodeReport.Status.NOT_NEEDED,
                            "an earlier node's copy was stored"), null, false));
                    continue;
                }
                Attempt a = attempt(s, "snapshots/" + fileName);
                attempts.add(a);
                done = a.entry() != null;
            }
        }
        List<ArtifactEntry> stored = attempts.stream().map(Attempt::entry).filter(e -> e != null).toList();
        boolean state = attempts.stream().anyMatch(a -> a.entry() != null && a.stateEntry());
        return new Outcome(stored, attempts.stream().map(Attempt::report).toList(), state);
    }

    private Attempt attempt(NodeSessions.Session s, String artifactPath) {
        String host = s.label();
        Optional<NodeAccess> access = s.accessIfConnected();
        if (access.isEmpty()) {
            return fail(host, NodeReport.Status.UNREACHABLE, s.failure().getMessage());
        }
        NodeAccess node = access.get();
        Optional<RemoteFile> file;
        try {
            file = node.stat(remotePath);
        } catch (NodeAccessException e) {
            return fail(host, status(e), e.getMessage());
        }
        if (file.isEmpty() || file.get().directory()) {
            return fail(host, NodeReport.Status.MISSING, remotePath + " does not exist on " + node.describe());
        }
        long declared = file.get().size();
        SnapshotCheck check;
        ArtifactEntry entry = null;
        CountingInputStream counted = null;
        AtomicReference<Opening> last = new AtomicReference<>();
        ReopenableContent content = () -> {
            Opening previous = last.get();
            if (previous != null) {
                previous.in().close(); // a resend: the store opens the file again from its start
            }
            CountingInputStream raw = new CountingInputStream(node.openRead(remotePath));
            Opening o = new Opening(raw, SnapshotVerifyingInputStream.of(raw, layout, snapshotName));
            last.set(o);
            return o.in();
        };
        Map<String, String> attrs = Map.of("layout", layout.name().toLowerCase(Locale.ROOT));
        ArtifactSource source = NodeSessions.sourceOf(node, host, remotePath);
        try {
            if (node.canReopen()) {
                // the store reads the file to its end (which runs the check), and may open it again to resend
                entry = writer.add(artifactPath, RkeArtifacts.ETCD_SNAPSHOT, source, content, declared, attrs);
                counted = last.get().raw();
                check = last.get().in().result().orElseThrow(() -> new IOException("snapshot check did not finish"));
            } else {
                try (InputStream in = content.open()) {
                    counted = last.get().raw();
                    entry = writer.add(artifactPath, RkeArtifacts.ETCD_SNAPSHOT, source, in, declared, attrs);
                    // the store took exactly the declared size; reading to the end runs the final check, and any
                    // byte beyond it means the file grew after it was looked up (still being written): what was
                    // stored is only a prefix of what was checked
                    byte[] rest = new byte[8192];
                    while (in.read(rest) >= 0) {
                        // raw counts what comes past the declared size
                    }
                    check = last.get().in().result()
                            .orElseThrow(() -> new IOException("snapshot check did not finish"));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (counted == null && last.get() != null) {
                counted = last.get().raw();
            }
            if (entry != null) {
                writer.discard(artifactPath);
            }
            Optional<NodeAccessException> nodeFault = causeOf(e);
            if (nodeFault.isPresent()) {
                return fail(host, status(nodeFault.get()), nodeFault.get().getMessage());
            }
            if (counted != null && counted.changedFrom(declared)) {
                return changed(host, declared, counted.count()); // the store refused a short or long stream
            }
            if (e instanceof RuntimeException re) {
                throw re; // the store failed: not this node's fault, stop the job
            }
            return fail(host, NodeReport.Status.FAILED, "reading " + remotePath + " failed: " + e.getMessage());
        }
        if (counted.count() != declared) {
            writer.discard(artifactPath);
            return changed(host, declared, counted.count());
        }
        if (!check.ok()) {
            writer.discard(artifactPath);
            LOG.warn("snapshot copy on {} is damaged ({}: {}); not stored", host, check.verdict(), check.detail());
            return fail(host, NodeReport.Status.BAD_COPY, remotePath + " failed the integrity check: "
                    + check.verdict() + " (" + check.detail() + ")");
        }
        if (layout == SnapshotLayout.RKE_ZIP) {
            entry = writer.annotate(artifactPath, "stateEntry", String.valueOf(check.stateEntryPresent()));
        }
        return new Attempt(new NodeReport(host, NodeReport.Status.OK, "stored " + entry.size() + " bytes as "
                + artifactPath), entry, check.stateEntryPresent());
    }

    private Attempt changed(String host, long declared, long read) {
        LOG.warn("{} on {} changed while it was read ({} bytes listed, {} read); not stored", remotePath, host,
                declared, read);
        String how = read > declared ? "it grew beyond the " + declared + " bytes it had when listed"
                : "it ended after " + read + " of the " + declared + " bytes it had when listed";
        return fail(host, NodeReport.Status.BAD_COPY, remotePath + " changed while it was read: " + how
                + "; it is probably still being written. Not stored; run the backup again once rke has finished"
                + " the snapshot");
    }

    private static Attempt fail(String host, NodeReport.Status status, String detail) {
        return new Attempt(new NodeReport(host, status, detail == null ? "" : detail), null, false);
    }

    private static NodeReport.Status status(NodeAccessException e) {
        return switch (e.problem()) {
            case NOT_FOUND -> NodeReport.Status.MISSING;
            case UNREACHABLE, AUTH_REFUSED, HOST_KEY_CHANGED, HOST_KEY_UNKNOWN, CONNECTION_LOST ->
                    NodeReport.Status.UNREACHABLE;
            default -> NodeReport.Status.FAILED;
        };
    }

    static Optional<NodeAccessException> causeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NodeAccessException n) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
