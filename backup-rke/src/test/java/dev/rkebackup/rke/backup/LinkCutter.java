package dev.rkebackup.rke.backup;

import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.NodeAccess;
import dev.rkebackup.rke.node.WriteResult;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test helper that times a REAL connection drop: it wraps a connector, and once {@code afterBytes} bytes of a
 * snapshot transfer to or from one node have passed, it runs {@code cut} (which closes the server side of that node's
 * sessions, e.g. {@code SshNodes.Node::dropConnections} or killing OpenSSH's per-connection processes). The bytes and
 * the failure that follows come from the real SSH connection; the wrapper only decides when.
 */
final class LinkCutter implements NodeConnector {
    private final NodeConnector real;
    private final String port;
    private final long afterBytes;
    private final Runnable cut;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong passedAtCut = new AtomicLong(-1);

    LinkCutter(NodeConnector real, int port, long afterBytes, Runnable cut) {
        this.real = real;
        this.port = String.valueOf(port);
        this.afterBytes = afterBytes;
        this.cut = cut;
    }

    /** Whether the link was cut, and after how many bytes. */
    long cutAfter() {
        return passedAtCut.get();
    }

    @Override
    public NodeAccess connect(RkeNode node) {
        NodeAccess access = real.connect(node);
        return node.port().equals(port) ? new Cutting(access) : access;
    }

    private InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count += n;
                    if (count >= afterBytes && done.compareAndSet(false, true)) {
                        passedAtCut.set(count);
                        cut.run();
                    }
                }
                return n;
            }
        };
    }

    /** Forwards everything; only the snapshot streams are counted. */
    private final class Cutting extends ForwardingNodeAccess {
        Cutting(NodeAccess d) {
            super(d);
        }

        @Override
        public InputStream openRead(String path) {
            return counting(super.openRead(path));
        }

        @Override
        public WriteResult writeAtomically(String path, InputStream content, long length, boolean replaceDifferent) {
            return super.writeAtomically(path, counting(content), length, replaceDifferent);
        }
    }
}
