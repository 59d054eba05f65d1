package dev.latchkey.redis.getset;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Partition;
import dev.latchkey.tck.PartitionedClient;
import dev.latchkey.tck.TckHarness;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The TCK's view of {@code redis-getset} for one client library and one mode, on a real
 * redis-server of its own. The server keeps an append-only file fsynced on every write, so that a
 * restart (SIGKILL, then start on the same port) loses no lock: without persistence any
 * single-server Redis lock is granted twice across a restart, and that is the server's configuration,
 * not this backend's algorithm. Faults: CLIENT_CRASH (a child JVM through {@link #uri()}),
 * CLOCK_SKEW (URI option {@code skew}), SERVER_RESTART, SERVER_PAUSE, CLIENT_PAUSE and PARTITION
 * (a TCP proxy per participant, {@link #newPartitionedClient()}).
 *
 * <p>Thread-safe.
 */
final class GetSetHarness implements TckHarness {
    private final String client;
    private final String mode;
    private final RedisServer server = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");

    GetSetHarness(String client, String mode) {
        this.client = client;
        this.mode = mode;
    }

    @Override
    public String label() {
        return "redis-getset (" + client + ", mode=" + mode + ")";
    }

    @Override
    public LockClient newClient() {
        return Locks.open(uri(server.port(), ""));
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(URI.create(uri(server.port(), "")));
    }

    @Override
    public Set<FaultKind> faults() {
        return EnumSet.allOf(FaultKind.class);
    }

    @Override
    public LockClient newClient(Duration skew) {
        return Locks.open(uri(server.port(), "&skew=" + skew.toMillis() + "ms"));
    }

    @Override
    public void restartServer() {
        server.kill();
        server.restart();
    }

    @Override
    public void pauseServer(Duration duration) {
        server.pauseFor(duration);
    }

    @Override
    public PartitionedClient newPartitionedClient() {
        TcpProxy proxy = TcpProxy.start(server.host(), server.port());
        LockClient lockClient = Locks.open(uri(proxy.port(), ""));
        LockClient closesProxy = new ForwardingClient(lockClient, proxy);
        return new PartitionedClient(closesProxy, Partition.of(proxy::cut, proxy::blackhole, proxy::restore));
    }

    @Override
    public void close() {
        server.close();
    }

    /** Timeouts of 1 s, as the TCK asks, so that dead connections are noticed quickly. */
    private String uri(int port, String extra) {
        return "redis-getset://127.0.0.1:" + port + "?client=" + client + "&mode=" + mode + "&timeout=1s" + extra;
    }
}
