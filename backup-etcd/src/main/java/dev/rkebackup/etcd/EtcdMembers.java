package dev.rkebackup.etcd;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.internal.SshConnector;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open TLS connections to every etcd member of an RKE cluster, one per member (never a load-balanced client, so
 * every call is answered by the member it names). Reads each member's status, checks that the members agree
 * ({@link #agree()}), and streams a snapshot from one member.
 *
 * <p>The etcd v3 API is called through the gRPC stubs that jetcd ships ({@code io.etcd.jetcd.api}); the snapshot
 * uses the blocking stub, which asks the server for one message at a time, so memory stays bounded whatever the
 * database size (jetcd's own {@code Maintenance.snapshot} drops the stream's back-pressure).
 *
 * <p>Thread-safe for calls on different members; close it when done (closes channels and SSH forwards).
 */
public final class EtcdMembers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdMembers.class);
    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private final List<Member> members;
    private final Duration timeout;

    private EtcdMembers(List<Member> members, Duration timeout) {
        this.members = members;
        this.timeout = timeout;
    }

    /**
     * Connects to each etcd node's member. A member that cannot be reached (SSH refused, bad address) is kept and
     * reported by {@link #status()}; nothing throws here for one unreachable member.
     *
     * @param etcdNodes the etcd nodes, in config order
     * @param credentials the client certificate and CA
     * @param targets how to reach the members
     * @param timeout the deadline of each call
     * @return the open connections
     * @throws InvalidInputException if there is no node or the credentials cannot be used
     */
    public static EtcdMembers connect(List<RkeNode> etcdNodes, EtcdCredentials credentials, EtcdTargets targets,
            Duration timeout) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(targets, "targets");
        if (etcdNodes.isEmpty()) {
            throw new InvalidInputException("the cluster config has no node with the etcd role");
        }
        var ssl = credentials.sslContext();
        List<Member> out = new ArrayList<>();
        for (RkeNode node : etcdNodes) {
            out.add(Member.open(node, ssl, targets));
        }
        return new EtcdMembers(out, timeout);
    }

    /**
     * The member hosts, in config order.
     *
     * @return the hosts
     */
    public List<String> hosts() {
        return members.stream().map(m -> m.host).toList();
    }

    /**
     * Asks every member for its status.
     *
     * @return one status per member, in config order
     */
    public List<MemberStatus> status() {
        return members.stream().map(this::status).toList();
    }

    private MemberStatus status(Member m) {
        if (m.channel == null) {
            return MemberStatus.unreachable(m.host, m.endpoint, m.problem);
        }
        try {
            StatusResponse r = MaintenanceGrpc.newBlockingStub(m.channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .status(StatusRequest.getDefaultInstance());
            return new MemberStatus(m.host, m.endpoint, true, r.getHeader().getClusterId(),
                    r.getHeader().getMemberId(), r.getHeader().getRevision(), r.getRaftIndex(), r.getRaftTerm(),
                    r.getLeader(), r.getDbSize(), r.getVersion(), r.getErrorsList(), "");
        } catch (StatusRuntimeException e) {
            return MemberStatus.unreachable(m.host, m.endpoint, describe(e, m));
        }
    }

    /**
     * Checks that the members agree: every reachable member reports the majority's cluster id (else a foreign
     * member is named), at least a quorum of the configured members answer, none reports errors, and
     * {@code hashKV} at the lowest current revision is equal on all of them.
     *
     * @return the verdict with each member's status and hash
     */
    public MemberAgreement agree() {
        // right after a leader fails the others still name it until the election (about a second) is over
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        MemberAgreement a = agreeOnce();
        while (a.leaderless() && System.nanoTime() < deadline) {
            sleep(300);
            a = agreeOnce();
        }
        return a;
    }

    private MemberAgreement agreeOnce() {
        List<MemberStatus> statuses = status();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<MemberStatus> up = statuses.stream().filter(MemberStatus::reachable).toList();
        Map<Long, Long> votes = up.stream().collect(Collectors.groupingBy(MemberStatus::clusterId,
                Collectors.counting()));
        long cluster = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
        String clusterHex = up.isEmpty() ? "" : MemberStatus.hex(cluster);
        for (MemberStatus s : statuses) {
            if (!s.reachable()) {
                warnings.add("member " + s.host() + " did not answer: " + s.problem());
            } else if (s.clusterId() != cluster) {
                problems.add("member " + s.host() + " (" + s.endpoint() + ") belongs to another etcd cluster ("
                        + MemberStatus.hex(s.clusterId()) + ", the others are " + clusterHex + "); the cluster config"
                        + " lists a node of another cluster: fix the etcd nodes in the cluster config");
            } else if (!s.errors().isEmpty()) {
                problems.add("member " + s.host() + " reports errors " + s.errors() + "; resolve them (etcdctl"
                        + " alarm list) before taking a snapshot");
            }
        }
        int quorum = statuses.size() / 2 + 1;
        List<MemberStatus> same = up.stream().filter(s -> s.clusterId() == cluster).toList();
        if (same.size() < quorum) {
            problems.add(same.size() + " of " + statuses.size() + " etcd members answered as one cluster; a quorum"
                    + " of " + quorum + " is needed. Check that etcd runs on the nodes and that the .rkestate"
                    + " certificates belong to this cluster");
        } else if (same.stream().noneMatch(MemberStatus::isLeader)) {
            problems.add(MemberAgreement.NO_LEADER + " of cluster " + clusterHex + "; wait for an election and try"
                    + " again");
        }
        long revision = 0;
        Map<String, Long> hashes = new LinkedHashMap<>();
        if (problems.isEmpty()) {
            revision = same.stream().mapToLong(MemberStatus::revision).min().orElse(0);
            compareHashes(same, revision, hashes, problems);
        }
        return new MemberAgreement(statuses, clusterHex, revision, hashes, problems, warnings);
    }

    private void compareHashes(List<MemberStatus> same, long revision, Map<String, Long> hashes,
            List<String> problems) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            hashes.clear();
            Map<String, Long> compacted = new LinkedHashMap<>();
            boolean failed = false;
            for (MemberStatus s : same) {
                Member m = member(s.host());
                try {
                    HashKVResponse r = MaintenanceGrpc.newBlockingStub(m.channel)
                            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .hashKV(HashKVRequest.newBuilder().setRevision(revision).build());
                    hashes.put(MemberStatus.hex(s.memberId()), Integer.toUnsignedLong(r.getHash()));
                    compacted.put(s.host(), r.getCompactRevision());
                } catch (StatusRuntimeException e) {
                    problems.add("hashKV at revision " + revision + " failed on " + s.host() + ": " + describe(e, m));
                    failed = true;
                }
            }
            if (failed) {
                return;
            }
            if (compacted.values().stream().distinct().count() > 1) {
                // a compaction is being applied: hashes are comparable only at equal compact revisions
                LOG.debug("compact revisions differ ({}); asking again", compacted);
                sleep(200L * attempt);
                continue;
            }
            if (hashes.values().stream().distinct().count() > 1) {
                problems.add("the members' key-value hashes at revision " + revision + " differ " + hashes
                        + ": a member's data is corrupt. Do not back up or restore from this cluster until etcd's"
                        + " corruption check is resolved (etcd --experimental-corrupt-check-time, or remove and"
                        + " re-add the odd member)");
            }
            return;
        }
        problems.add("the members kept reporting different compact revisions; try again when no compaction runs");
    }

    private Member member(String host) {
        return members.stream().filter(m -> m.host.equals(host)).findFirst()
                .orElseThrow(() -> new InvalidInputException("no etcd member " + host + " in the cluster config"));
    }

    /**
     * Opens a snapshot stream from one member: the etcd snapshot file, SHA-256 trailer included. The stream is
     * bounded in memory; closing it early cancels the call.
     *
     * @param host the member's host
     * @return the stream with its announced length
     * @throws EtcdSnapshotException if the member does not start sending
     */
    SnapshotStream openSnapshot(String host) {
        Member m = member(host);
        if (m.channel == null) {
            throw new EtcdSnapshotException("member " + host + " is not connected: " + m.problem);
        }
        Context.CancellableContext ctx = Context.current().withCancellation();
        Context previous = ctx.attach();
        try {
            Iterator<SnapshotResponse> it = MaintenanceGrpc.newBlockingStub(m.channel)
                    .snapshot(SnapshotRequest.getDefaultInstance());
            SnapshotResponse first = it.next();
            long total = first.getBlob().size() + first.getRemainingBytes() + 32;
            return new SnapshotStream(host, m.endpoint, it, first, total, ctx);
        } catch (StatusRuntimeException e) {
            ctx.cancel(null);
            throw new EtcdSnapshotException("snapshot from " + host + " did not start: " + describe(e, m));
        } catch (RuntimeException e) {
            ctx.cancel(null);
            throw e;
        } finally {
            ctx.detach(previous);
        }
    }

    /**
     * The endpoint text of a member, for messages and the manifest.
     *
     * @param host the host
     * @return such as {@code https://10.0.0.1:2379}
     */
    String endpoint(String host) {
        return member(host).endpoint;
    }

    static String describe(StatusRuntimeException e, Member m) {
        Throwable root = e;
        boolean tls = false;
        for (Throwable c = e; c != null; c = c.getCause()) {
            tls |= c instanceof SSLException;
            root = c;
        }
        String detail = e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
                : ": " + e.getStatus().getDescription()) + (root != e && root.getMessage() != null
                ? " (" + root.getMessage() + ")" : "");
        if (tls) {
            return "TLS with " + m.endpoint + " failed: " + detail + ". The CA kube-ca and client kube-node of the"
                    + " .rkestate must be this cluster's and unexpired; check that the .rkestate belongs to this"
                    + " cluster (after rke cert rotate, use the new one)";
        }
        if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
            return "cannot reach " + m.endpoint + ": " + detail + ". Check that etcd runs on " + m.host
                    + " and that port " + m.port + " is reachable from here (or use --etcd-via-ssh)";
        }
        if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
            return m.endpoint + " did not answer in time: " + detail;
        }
        return m.endpoint + ": " + detail;
    }

    /** Closes every channel and SSH forward. Never throws. */
    @Override
    public void close() {
        for (Member m : members) {
            m.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One member's channel (and SSH connection). */
    static final class Member {
        final String host;
        final String endpoint;
        final int port;
        final ManagedChannel channel;
        final SshConnector.Connection ssh;
        final String problem;

        private Member(String host, String endpoint, int port, ManagedChannel channel, SshConnector.Connection ssh,
                String problem) {
            this.host = host;
            this.endpoint = endpoint;
            this.port = port;
            this.channel = channel;
            this.ssh = ssh;
            this.problem = problem;
        }

        static Member open(RkeNode node, io.netty.handler.ssl.SslContext ssl, EtcdTargets targets) {
            String host = node.address();
            InetSocketAddress target = targets.target(node);
            Optional<NodeEndpoint> sshEndpoint = targets.sshEndpoint(node);
            String endpoint = sshEndpoint.isPresent()
                    ? "https://" + target.getHostString() + ":" + target.getPort() + " on " + host + " via SSH"
                    : "https://" + target.getHostString() + ":" + target.getPort();
            SshConnector.Connection ssh = null;
            String connectHost = target.getHostString();
            int connectPort = target.getPort();
            if (sshEndpoint.isPresent()) {
                try {
                    ssh = SshConnector.connect(sshEndpoint.get());
                    SshdSocketAddress bound = ssh.session().startLocalPortForwarding(
                            new SshdSocketAddress("127.0.0.1", 0),
                            new SshdSocketAddress(target.getHostString(), target.getPort()));
                    connectHost = "127.0.0.1";
                    connectPort = bound.getPort();
                } catch (IOException | RuntimeException e) {
                    if (ssh != null) {
                        ssh.close();
                    }
                    return new Member(host, endpoint, target.getPort(), null, null, "SSH forward to " + host
                            + " failed: " + e.getMessage());
                }
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress(connectHost, connectPort)
                    .sslContext(ssl)
                    .overrideAuthority(targets.authority(node))
                    .maxInboundMessageSize(MAX_MESSAGE)
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(20, TimeUnit.SECONDS)
                    .build();
            return new Member(host, endpoint, target.getPort(), channel, ssh, "");
        }

        void close() {
            if (channel != null) {
                channel.shutdownNow();
                try {
                    channel.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (ssh != null) {
                ssh.close();
            }
        }
    }

    /** A snapshot being received: the bytes of the etcd snapshot file in order, length known up front. */
    static final class SnapshotStream extends InputStream {
        private final String host;
        private final String endpoint;
        private final Iterator<SnapshotResponse> it;
        private final long length;
        private final Context.CancellableContext ctx;
        private com.google.protobuf.ByteString current;
        private int pos;
        private long delivered;
        private boolean done;

        SnapshotStream(String host, String endpoint, Iterator<SnapshotResponse> it, SnapshotResponse first,
                long length, Context.CancellableContext ctx) {
            this.host = host;
            this.endpoint = endpoint;
            this.it = it;
            this.current = first.getBlob();
            this.length = length;
            this.ctx = ctx;
        }

        long length() {
            return length;
        }

        String host() {
            return host;
        }

        String endpoint() {
            return endpoint;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || pos >= current.size()) {
                if (done) {
                    return -1;
                }
                try {
                    if (!it.hasNext()) {
                        done = true;
                        if (delivered != length) {
                            throw new IOException("etcd member " + host + " ended the snapshot after " + delivered
                                    + " of the " + length + " bytes it announced");
                        }
                        return -1;
                    }
                    current = it.next().getBlob();
                    pos = 0;
                } catch (StatusRuntimeException e) {
                    done = true;
                    throw new IOException("the snapshot stream from " + host + " (" + endpoint + ") broke after "
                            + delivered + " of " + length + " bytes: " + e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
                }
            }
            int n = Math.min(len, current.size() - pos);
            current.copyTo(b, pos, off, n);
            pos += n;
            delivered += n;
            return n;
        }

        @Override
        public void close() {
            if (!done) {
                ctx.cancel(null);
                done = true;
            }
            ctx.close();
        }
    }
}
