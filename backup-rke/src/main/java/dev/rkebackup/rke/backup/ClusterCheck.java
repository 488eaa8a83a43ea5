package dev.rkebackup.rke.backup;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.EtcdQuorum;
import dev.rkebackup.rke.node.RemoteFile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * The prerequisites of the seed's procedure, checked before anything is changed: RKE can take snapshots, the
 * config and the state file are where rke looks for them, every etcd node is reachable with the config's SSH
 * settings and its snapshot directory is readable (with the space its snapshots use), and the store takes a write.
 * {@link RkeBackup#snapshotAndCollect} runs the node part first, so a missing SSH key fails before a snapshot is
 * taken. Stateless; each call opens and closes what it needs.
 */
public final class ClusterCheck {
    /** How one check ended. */
    public enum Status {
        /** Fine. */
        OK,
        /** Works, but something needs attention. */
        WARN,
        /** A backup or restore would fail. */
        FAIL
    }

    /**
     * One check.
     *
     * @param name what was checked, e.g. {@code node 10.0.0.1}
     * @param status the outcome
     * @param detail what was found and, for a problem, what to do
     * @param snapshotBytes for a node: bytes used by files in its snapshot directory; -1 otherwise
     */
    public record Item(String name, Status status, String detail, long snapshotBytes) {
        /** Validates. */
        public Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private ClusterCheck() {
    }

    /**
     * Checks the RKE version and the files next to the config.
     *
     * @param config the loaded config
     * @param version the RKE version
     * @return the version, config and state file checks
     */
    public static List<Item> local(ClusterConfig config, RkeVersion version) {
        List<Item> out = new ArrayList<>();
        out.add(version.has(RkeFeature.SNAPSHOTS)
                ? new Item("rke version", version.isKnown() ? Status.OK : Status.WARN, version
                        + (version.isKnown() ? " takes etcd snapshots" : " is newer than the verified releases; "
                        + "verify one snapshot and restore"), -1)
                : new Item("rke version", Status.FAIL, version + " cannot take etcd snapshots (added in "
                        + RkeFeature.SNAPSHOTS.since() + "); upgrade RKE", -1));
        Path configFile = config.sourcePath().orElse(null);
        out.add(new Item("cluster config", config.etcdNodes().isEmpty() ? Status.FAIL : Status.OK,
                (configFile == null ? config.sourceName() : configFile.toAbsolutePath().toString())
                        + (config.etcdNodes().isEmpty() ? ": no node has the etcd role" : ", "
                        + config.etcdNodes().size() + " etcd nodes"), -1));
        RestoreGuide guide = RestoreGuide.of(version);
        if (guide.needsStateFile()) {
            Path state = config.stateFilePath().orElse(null);
            boolean present = state != null && Files.isRegularFile(state);
            out.add(new Item("state file", present ? Status.OK : guide.stateMayComeFromSnapshot() ? Status.WARN
                    : Status.FAIL, present ? state + " (where rke looks for it)"
                    : guide.stateFileMissing(state == null ? Path.of("<config>.rkestate") : state), -1));
        }
        return out;
    }

    /**
     * Connects to every etcd node the way a backup does and lists its snapshot directory.
     *
     * @param config the config (its etcd nodes)
     * @param connector how the nodes are reached (the config's SSH settings, or local directories)
     * @param snapshotDirectory the snapshot directory on the nodes
     * @return one item per etcd node, with the bytes its snapshots use
     */
    public static List<Item> nodes(ClusterConfig config, NodeConnector connector, String snapshotDirectory) {
        try (NodeSessions sessions = NodeSessions.open(connector, config.requireEtcdNodes())) {
            return sessions.inParallel(s -> {
                String name = "node " + s.label();
                if (s.failure() != null) {
                    return new Item(name, Status.FAIL, "cannot connect: " + s.failure().getMessage(), -1);
                }
                try {
                    if (s.access().stat(snapshotDirectory).isEmpty()) {
                        return new Item(name, Status.WARN, "reachable; " + snapshotDirectory + " does not exist yet "
                                + "(rke creates it with the first snapshot)", 0);
                    }
                    List<RemoteFile> files = s.access().list(snapshotDirectory);
                    long bytes = files.stream().filter(f -> !f.directory()).mapToLong(RemoteFile::size).sum();
                    long count = files.stream().filter(f -> !f.directory()).count();
                    return new Item(name, Status.OK, snapshotDirectory + " readable, " + count + " files, "
                            + bytes + " bytes of snapshots", bytes);
                } catch (RuntimeException e) {
                    return new Item(name, Status.FAIL, snapshotDirectory + " is not readable: " + e.getMessage(), -1);
                }
            });
        }
    }

    /**
     * Writes, reads back and deletes a small probe object.
     *
     * @param store the store
     * @return the store check
     */
    public static Item store(ObjectStore store) {
        String key = "rke-backup-check-" + UUID.randomUUID();
        byte[] probe = "rke-backup check\n".getBytes(StandardCharsets.UTF_8);
        try {
            store.put(key, new ByteArrayInputStream(probe), probe.length);
            boolean seen = store.stat(key).map(i -> i.size() == probe.length).orElse(false);
            store.delete(List.of(key));
            return seen ? new Item("store", Status.OK, store.describe() + " reachable and writable", -1)
                    : new Item("store", Status.FAIL, store.describe() + " did not return the probe object " + key, -1);
        } catch (BackupException e) {
            return new Item("store", Status.FAIL, store.describe() + ": " + e.getMessage(), -1);
        }
    }

    /**
     * Fails before a snapshot is taken when no etcd node can be read: the snapshot could not be collected.
     *
     * @param nodes the node items from {@link #nodes}
     * @throws BackupException when every node failed; the message lists each node's problem
     */
    static void requireSomeNode(List<Item> nodes) {
        if (nodes.stream().allMatch(i -> i.status() == Status.FAIL)) {
            throw new BackupException("no etcd node can be read, so no snapshot was taken: " + String.join("; ",
                    nodes.stream().map(i -> i.name() + ": " + i.detail()).toList())
                    + ". Fix the SSH settings or keys (or --snapshot-dir) and run the backup again");
        }
    }

    /**
     * The seed's etcd fault-tolerance table (members, majority, failures tolerated) for 1 to 9 members, with the
     * row of this cluster marked {@code <-- this cluster}.
     *
     * @param members the cluster's etcd member count
     * @return the table, one line per row, header first
     */
    public static String faultToleranceTable(int members) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %-9s %-18s%n", "members", "majority",
                "failures tolerated"));
        for (int n = 1; n <= Math.max(9, members); n++) {
            EtcdQuorum q = EtcdQuorum.of(n);
            sb.append(String.format(Locale.ROOT, "%-8d %-9d %-18d%s%n", n, q.majority(), q.faultTolerance(),
                    n == members ? " <-- this cluster" : ""));
        }
        return sb.toString().replace("\r\n", "\n");
    }
}
