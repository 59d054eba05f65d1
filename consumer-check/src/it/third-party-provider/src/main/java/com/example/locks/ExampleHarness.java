package com.example.locks;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisReplication;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.spi.LockEnvironment;
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
 * The example's servers and faults: a primary and a replica, both with an append-only file fsynced on
 * every write, behind one address (a TCP proxy, as a managed Redis's virtual address) that moves to
 * the replica on a failover. Restart, pause, partition (a proxy per participant) and failover (hold
 * replication back, kill the primary, promote the replica, move the address) are all real.
 *
 * <p>Thread-safe.
 */
final class ExampleHarness implements TckHarness {
    private final RedisReplication servers = RedisReplication.start(1, "--appendonly", "yes", "--appendfsync", "always");
    private final TcpProxy address;
    private final List<TcpProxy> partitions = new CopyOnWriteArrayList<>();

    ExampleHarness() {
        RedisServer primary = servers.master();
        this.address = TcpProxy.start(primary.host(), primary.port());
    }

    @Override
    public String label() {
        return "example (primary + replica, replicas=1)";
    }

    private URI uri(int port) {
        return URI.create("example://127.0.0.1:" + port + "?timeout=1s&replicas=1");
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(uri(address.port()), env, ExampleHarness.class.getClassLoader());
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(uri(address.port()));
    }

    @Override
    public Set<FaultKind> faults() {
        return EnumSet.of(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION, FaultKind.FAILOVER);
    }

    @Override
    public void restartServer() {
        RedisServer primary = servers.master();
        primary.kill();
        primary.restart();
        servers.rejoin();
    }

    @Override
    public void pauseServer() {
        servers.master().pause();
    }

    @Override
    public void resumeServer() {
        servers.master().resume();
    }

    @Override
    public PartitionedClient newPartitionedClient() {
        TcpProxy proxy = TcpProxy.start("127.0.0.1", address.port());
        partitions.add(proxy);
        return new PartitionedClient(Locks.open(uri(proxy.port()), LockEnvironment.SYSTEM, ExampleHarness.class.getClassLoader()),
                Partition.of(proxy::cut, proxy::blackhole, proxy::restore));
    }

    @Override
    public void prepareFailover() {
        servers.holdBackReplication();
    }

    @Override
    public void failover() {
        RedisServer old = servers.master();
        RedisServer replica = servers.replicas().get(0);
        old.kill();
        RedisServer promoted = servers.promote(replica);
        address.retarget(promoted.host(), promoted.port());
        servers.rejoin(); // the old primary comes back as the new one's replica
        servers.awaitInSync(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        partitions.forEach(TcpProxy::close);
        address.close();
        servers.close();
    }
}
