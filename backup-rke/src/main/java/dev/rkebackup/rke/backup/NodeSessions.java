package dev.rkebackup.rke.backup;

import dev.rkebackup.rke.node.LocalNodeAccess;

import dev.rkebackup.core.repository.ArtifactSource;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.NodeAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connections to every etcd node, opened in parallel, with the failure of each node that could not be reached. */
final class NodeSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSessions.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * One node: its access, or why there is none.
     *
     * @param label how reports and artifact paths name the node: its address, or {@code address:port} when several
     *     etcd nodes share an address (nodes behind one NAT address with forwarded SSH ports)
     */
    record Session(RkeNode node, String label, NodeAccess access, RuntimeException failure) {
        Optional<NodeAccess> accessIfConnected() {
            return Optional.ofNullable(access);
        }
    }

    private final List<Session> sessions;
    private final ExecutorService pool;

    private NodeSessions(List<Session> sessions, ExecutorService pool) {
        this.sessions = sessions;
        this.pool = pool;
    }

    static NodeSessions open(NodeConnector connector, List<RkeNode> nodes) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(nodes.size(), 8)), r -> {
            Thread t = new Thread(r, "rke-backup-node-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<NodeAccess>> futures = new ArrayList<>();
        for (RkeNode n : nodes) {
            futures.add(pool.submit(() -> connector.connect(n)));
        }
        List<String> labels = labels(nodes);
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                sessions.add(new Session(nodes.get(i), labels.get(i), futures.get(i).get(), null));
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re
                        : new BackupException(String.valueOf(e.getCause()), e.getCause());
                LOG.warn("cannot reach etcd node {}: {}", labels.get(i), cause.getMessage());
                sessions.add(new Session(nodes.get(i), labels.get(i), null, cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sessions.forEach(s -> s.accessIfConnected().ifPresent(NodeAccess::close));
                pool.shutdownNow();
                throw new BackupException("interrupted while connecting to the etcd nodes", e);
            }
        }
        return new NodeSessions(List.copyOf(sessions), pool);
    }

    /**
     * Where an artifact read through {@code access} came from: this machine's file when the access is this machine
     * (the CLI's {@code --local}), otherwise the node it was read from.
     *
     * @param access the access the file was read through
     * @param label the node's label
     * @param path the path on the node
     * @return the source for the manifest
     */
    static ArtifactSource sourceOf(NodeAccess access, String label, String path) {
        return access instanceof LocalNodeAccess l && l.isThisMachine() ? ArtifactSource.local(path)
                : ArtifactSource.node(label, path);
    }

    /**
     * Names each node by its address; where addresses repeat, by {@code address:port}, and where that repeats too,
     * by {@code hostname_override} (unique in a working cluster: it names the etcd member).
     */
    static List<String> labels(List<RkeNode> nodes) {
        List<String> out = new ArrayList<>();
        for (RkeNode n : nodes) {
            long sameAddress = nodes.stream().filter(o -> o.address().equals(n.address())).count();
            long samePort = nodes.stream().filter(o -> o.address().equals(n.address()) && o.port().equals(n.port()))
                    .count();
            out.add(sameAddress == 1 ? n.address()
                    : samePort == 1 ? n.address() + ":" + n.port().trim() : n.hostnameOverride());
        }
        return List.copyOf(out);
    }

    List<Session> sessions() {
        return sessions;
    }

    /** Runs one task per session in parallel and returns the results in session order. */
    <T> List<T> inParallel(java.util.function.Function<Session, T> task) {
        List<Future<T>> futures = new ArrayList<>();
        for (Session s : sessions) {
            Callable<T> c = () -> task.apply(s);
            futures.add(pool.submit(c));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new BackupException(String.valueOf(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException("interrupted while working on the etcd nodes", e);
            }
        }
        return results;
    }

    @Override
    public void close() {
        sessions.forEach(s -> s.accessIfConnected().ifPresent(NodeAccess::close));
        pool.shutdownNow();
    }
}
