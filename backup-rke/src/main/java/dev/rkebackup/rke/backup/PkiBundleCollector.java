package dev.rkebackup.rke.backup;

import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.RemoteFile;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stores {@code pki.bundle.tar.gz} (RKE v0.1.8 to v0.1.x) from the first etcd node that has a readable copy. */
final class PkiBundleCollector {
    static final String FILE_NAME = "pki.bundle.tar.gz";
    private static final Logger LOG = LoggerFactory.getLogger(PkiBundleCollector.class);

    private final BackupSetWriter writer;
    private final NodeSessions sessions;
    private final String path;

    PkiBundleCollector(BackupSetWriter writer, NodeSessions sessions, String directory) {
        this.writer = writer;
        this.sessions = sessions;
        this.path = directory + "/" + FILE_NAME;
    }

    boolean collect() {
        for (NodeSessions.Session s : sessions.sessions()) {
            Optional<NodeAccess> access = s.accessIfConnected();
            if (access.isEmpty()) {
                continue;
            }
            try {
                Optional<RemoteFile> f = access.get().stat(path);
                if (f.isEmpty()) {
                    continue;
                }
                if (copy(s, access.get(), f.get().size())) {
                    return true;
                }
            } catch (RuntimeException e) {
                if (SnapshotCollector.causeOf(e).isEmpty()) {
                    throw e;
                }
                LOG.warn("cannot copy {} from {}: {}; trying the next node", path, s.label(), e.getMessage());
            }
        }
        return false;
    }

    /** Copies the bundle from one node; false (and nothing stored) when that node's copy failed or changed. */
    private boolean copy(NodeSessions.Session s, NodeAccess node, long size) {
        CountingInputStream in = new CountingInputStream(node.openRead(path));
        boolean added = false;
        try (in) {
            writer.add(FILE_NAME, RkeArtifacts.PKI_BUNDLE, NodeSessions.sourceOf(s.access(), s.label(), path), in,
                    size);
            added = true;
            if (in.read() >= 0) {
                writer.discard(FILE_NAME);
                LOG.warn("{} on {} grew while it was read; trying the next node", path, s.label());
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (added) {
                writer.discard(FILE_NAME);
            }
            if (SnapshotCollector.causeOf(e).isEmpty() && !in.changedFrom(size) && e instanceof RuntimeException re) {
                throw re; // the store failed, not the node: stop the job
            }
            LOG.warn("cannot copy {} from {}: {}; trying the next node", path, s.label(), e.getMessage());
            return false;
        }
    }
}
