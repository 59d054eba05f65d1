package dev.latchkey.redis.lua;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The TCK harness for {@code redis-lua} over one client library, against one real redis-server
 * started with {@code appendfsync always}, so that a restart (SIGKILL, then start) keeps every
 * acknowledged write, as a production server configured for locks would.
 *
 * <p>Faults: a client crash (a child JVM opening {@link #uri()}, killed), a server restart and pause
 * (the testkit's SIGKILL and SIGSTOP), a partition (a TCP proxy per partitioned participant), and
 * clock skew, which for this backend is an ordinary participant: it reads no wall clock (leases
 * are TTLs measured by the server; local deadlines use {@code System.nanoTime}).
 *
 * <p>Thread-safe.
 */
final class RedisLuaHarness implements TckHarness {
    private final String client;
    private final boolean fair;
    private final RedisServer server = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
    private final List<TcpProxy> proxies = new CopyOnWriteArrayList<>();

    RedisLuaHarness(String client, boolean fair) {
        this.client = client;
        this.fair = fair;
    }

    @Override
    public String label() {
        return "redis-lua" + (fair ? " fair" : "") + " (" + (client.equals("jedis") ? "Jedis" : "Lettuce") + ")";
    }

    /** One-second timeouts, so that faults are noticed quickly; the default fallback; fair mode if asked. */
    private String uriFor(int port) {
        return "redis-lua://127.0.0.1:" + port + "?client=" + client + "&timeout=1s" + (fair ? "&fair=true" : "");
    }

    @Override
    public LockClient newClient() {
        return Locks.open(uriFor(server.port()));
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(URI.create(uriFor(server.port())));
    }

    @Override
    public Set<FaultKind> faults() {
        return Set.of(FaultKind.CLIENT_CRASH, FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION,
                FaultKind.CLOCK_SKEW);
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
        proxies.add(proxy);
        LockClient participant = Locks.open(uriFor(proxy.port()));
        return new PartitionedClient(participant, Partition.of(proxy::cut, proxy::blackhole, proxy::restore));
    }

    @Override
    public LockClient newClient(Duration skew) {
        return newClient(); // no wall clock is read anywhere: a skewed clock changes nothing
    }

    @Override
    public void close() {
        proxies.forEach(TcpProxy::close);
        server.close();
    }
}
