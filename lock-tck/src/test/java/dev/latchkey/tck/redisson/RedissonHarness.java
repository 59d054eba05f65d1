package dev.latchkey.tck.redisson;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Redisson against a real {@code redis-server} of the test kit. RLock runs on Redis as commonly
 * deployed, without persistence; RFencedLock on Redis with an fsynced append-only file, the
 * deployment whose tokens can survive a restart. Crashes are real child JVMs; a server restart is
 * a SIGKILL and a start on the same port; each partitioned participant gets its own
 * {@link TcpProxy}. "Skewed" participants are plain ones, truthfully: Redisson's locks read no
 * client clock. Thread-safe.
 */
final class RedissonHarness implements TckHarness {
    private final boolean fenced;
    private final RedisServer server;
    private final List<TcpProxy> proxies = new CopyOnWriteArrayList<>();

    RedissonHarness(boolean fenced) {
        this.fenced = fenced;
        this.server = fenced ? RedisServer.start("--appendonly", "yes", "--appendfsync", "always") : RedisServer.start();
    }

    @Override
    public String label() {
        return fenced ? "redisson RFencedLock (Redis AOF always)" : "redisson RLock (Redis no persistence)";
    }

    @Override
    public LockClient newClient() {
        return Locks.open(uri(server.port()));
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(uri(server.port()));
    }

    @Override
    public Set<FaultKind> faults() {
        return EnumSet.of(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION, FaultKind.CLOCK_SKEW);
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
        return new PartitionedClient(Locks.open(uri(proxy.port())), Partition.of(proxy::cut, proxy::blackhole, proxy::restore));
    }

    @Override
    public LockClient newClient(Duration skew) {
        return newClient();
    }

    @Override
    public void close() {
        proxies.forEach(TcpProxy::close);
        server.close();
    }

    private URI uri(int port) {
        return URI.create("redisson://127.0.0.1:" + port + (fenced ? "?fenced=true" : ""));
    }
}
