package dev.rkebackup.etcd.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a real server that closes a connection once more than {@code cutAfter} bytes
 * went from the server to the client on it, as many times as {@code budget} allows (shared between proxies). TLS
 * passes through untouched; the client sees a real broken stream mid-transfer.
 */
public final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long cutAfter;
    private final AtomicLong budget;
    private final AtomicLong cuts = new AtomicLong();

    /**
     * Starts the relay.
     *
     * @param target the real server
     * @param cutAfter bytes after which a connection is cut
     * @param budget how many cuts may still happen (shared between several proxies)
     * @throws IOException if it cannot listen
     */
    public CuttingProxy(InetSocketAddress target, long cutAfter, AtomicLong budget) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.cutAfter = cutAfter;
        this.budget = budget;
        Thread t = new Thread(this::accept, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Where clients connect.
     *
     * @return 127.0.0.1:port
     */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    /**
     * How many connections were cut.
     *
     * @return the count
     */
    public long cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getHostString(), target.getPort());
                pump(client.getInputStream(), upstream.getOutputStream(), client, upstream, false);
                pump(upstream.getInputStream(), client.getOutputStream(), client, upstream, true);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Socket a, Socket b, boolean countIt) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            long passed = 0;
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    passed += n;
                    if (countIt && passed > cutAfter && budget.getAndDecrement() > 0) {
                        cuts.incrementAndGet();
                        break;
                    }
                }
            } catch (IOException ignored) {
                // the other side went away
            } finally {
                close(a);
                close(b);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
