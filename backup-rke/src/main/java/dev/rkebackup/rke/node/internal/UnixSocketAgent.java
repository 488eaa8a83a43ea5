package dev.rkebackup.rke.node.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Client for the OpenSSH agent on a Unix domain socket ({@code SSH_AUTH_SOCK}) using the JDK's own Unix socket
 * support, so no native library is needed. MINA's {@link AbstractAgentProxy} speaks the agent protocol; this class
 * only moves the length-prefixed messages. The private keys never leave the agent.
 */
public final class UnixSocketAgent extends AbstractAgentProxy {
    private static final int MAX_REPLY = 256 * 1024;
    private final SocketChannel channel;

    private UnixSocketAgent(SocketChannel channel) {
        super(null);
        this.channel = channel;
    }

    /**
     * A factory that connects to the agent socket for each authentication.
     *
     * @param socket the agent socket path
     * @return the factory (client side only)
     */
    public static SshAgentFactory factory(Path socket) {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of();
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("cannot connect to the SSH agent at SSH_AUTH_SOCK=" + socket + ": " + e
                            + "; start ssh-agent and add the key with ssh-add", e);
                }
                return new UnixSocketAgent(ch);
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) {
                throw new UnsupportedOperationException("agent forwarding is not offered");
            }
        };
    }

    @Override
    protected Buffer request(Buffer buffer) throws IOException {
        synchronized (channel) {
            ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer len = ByteBuffer.allocate(4);
            readFully(len);
            int n = len.flip().getInt();
            if (n < 0 || n > MAX_REPLY) {
                throw new IOException("invalid SSH agent reply length " + n);
            }
            ByteBuffer payload = ByteBuffer.allocate(n);
            readFully(payload);
            return new ByteArrayBuffer(payload.array());
        }
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the SSH agent closed the connection");
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            channel.close();
        }
    }
}
