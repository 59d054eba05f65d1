package dev.latchkey.redis.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An in-JVM TCP proxy on a free port of 127.0.0.1, forwarding to one target, for
 * injecting network faults between a client and a server:
 * <ul>
 *   <li>{@link #cut()} closes every connection and refuses new ones (the listening socket is
 *       closed, so connecting fails with "connection refused") until {@link #restore()};</li>
 *   <li>{@link #blackhole()} keeps connections open but silently drops the bytes in both
 *       directions, so the client's reads time out;</li>
 *   <li>{@link #delay(Duration)} holds each chunk read, in each direction, for that long before
 *       forwarding it, so a request and its reply take at least twice the delay;</li>
 *   <li>{@link #restore()} ends all of these; bytes dropped meanwhile stay lost.</li>
 * </ul>
 * Each connection uses two daemon threads, one per direction, which end when it closes.
 *
 * <p>Thread-safe: the fault controls may be called from any thread at any time.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_SIZE = 16 * 1024;

    private volatile String targetHost;
    private volatile int targetPort;
    private final int port;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile boolean blackholed;
    private volatile long delayNanos;
    private ServerSocket listener; // written holding this and links; null while cut or closed
    private Thread acceptor; // guarded by this
    private boolean closed; // guarded by this

    private TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = listen(0);
    }

    /**
     * Starts a proxy to {@code targetHost:targetPort}. The target is connected to only when a
     * client connects; if it cannot be reached then, that client's connection is closed.
     *
     * @throws UncheckedIOException if no local port can be bound
     */
    public static TcpProxy start(String targetHost, int targetPort) {
        return new TcpProxy(targetHost, targetPort);
    }

    /** The port on 127.0.0.1 that clients connect to; the same after {@link #restore()}. */
    public int port() {
        return port;
    }

    /** The number of client connections currently open through the proxy. */
    public int connectionCount() {
        return links.size();
    }

    /** Closes every connection now and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        stopListening();
        closeLinks();
    }

    /** Drops all bytes in both directions, on current and new connections, until {@link #restore()}. */
    public void blackhole() {
        blackholed = true;
    }

    /**
     * Holds every chunk for {@code delay} before forwarding it, until {@link #restore()}.
     * {@link Duration#ZERO} removes the delay.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        delayNanos = delay.toNanos();
    }

    /**
     * Ends any cut, black hole and delay: accepts connections again on the same port and forwards
     * bytes at once.
     *
     * @throws IllegalStateException if the proxy is closed
     * @throws UncheckedIOException if the port was taken by another process meanwhile
     */
    public synchronized void restore() {
        if (closed) {
            throw new IllegalStateException("TcpProxy on port " + port + " is closed");
        }
        blackholed = false;
        delayNanos = 0;
        if (listener == null) {
            listen(port);
        }
    }

    /**
     * Points the proxy at another server, as a virtual address moves after a failover: open
     * connections are closed, new ones go to {@code host:port}.
     */
    public synchronized void retarget(String host, int port) {
        targetHost = host;
        targetPort = port;
        closeLinks();
    }

    /** Closes the listening socket and every connection. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        stopListening();
        closeLinks();
    }

    @Override
    public String toString() {
        return "TcpProxy[" + port + " -> " + targetHost + ":" + targetPort + "]";
    }

    /** Binds {@code localPort} (0 for any) and starts accepting on it; returns the port bound. */
    private synchronized int listen(int localPort) {
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), localPort));
        } catch (IOException e) {
            closeQuietly(server);
            throw new UncheckedIOException("TcpProxy cannot listen on port " + localPort, e);
        }
        synchronized (links) {
            listener = server;
        }
        ServerSocket accepting = server;
        acceptor = daemon("tcp-proxy-" + server.getLocalPort() + "-accept", () -> acceptLoop(accepting));
        acceptor.start();
        return server.getLocalPort();
    }

    /**
     * Closes the listening socket and waits for the accepting thread to end: while a thread is
     * blocked in accept(), the kernel keeps the socket listening even after close() returned.
     * Caller holds this lock.
     */
    private void stopListening() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        synchronized (links) {
            listener = null;
        }
        boolean interrupted = false;
        while (acceptor.isAlive()) {
            try {
                acceptor.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop(ServerSocket server) {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed by cut() or close()
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open(server, new Link(client, upstream));
        }
    }

    /**
     * Registers and starts a link, unless {@code server} was closed meanwhile by cut() or close().
     * Locks only {@code links}: stopListening() waits for this thread while holding this lock.
     */
    private void open(ServerSocket server, Link link) {
        synchronized (links) {
            if (listener != server) {
                link.close();
                return;
            }
            links.add(link);
        }
        daemon("tcp-proxy-" + port + "-up", () -> pump(link, link.client, link.upstream)).start();
        daemon("tcp-proxy-" + port + "-down", () -> pump(link, link.upstream, link.client)).start();
    }

    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                long delay = delayNanos;
                if (delay > 0) {
                    TimeUnit.NANOSECONDS.sleep(delay);
                }
                if (!blackholed) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The link is broken or being closed; either way it ends here.
        } finally {
            link.close();
        }
    }

    private void closeLinks() {
        List.copyOf(links).forEach(Link::close);
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Nothing useful to do: the resource is being discarded.
        }
    }

    /** A client connection and its connection to the target. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
        }
    }
}
