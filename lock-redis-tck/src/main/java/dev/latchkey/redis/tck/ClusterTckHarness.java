package dev.latchkey.redis.tck;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisCluster;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.TckHarness;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The TCK harness of any Redis-backed lock on a Redis Cluster with replicas: three masters with one replica
 * each, real processes from the test kit; participants open a URI naming every node as a seed. The fault is
 * {@link FaultKind#FAILOVER}. Not knowing which slot a rule's lock lives in, it fails every shard over:
 * {@link #prepareFailover()} holds back the replication of every master, and {@link #failover()} kills every
 * master, has each replica take its master's slots over ({@code CLUSTER FAILOVER TAKEOVER}: with every master
 * dead no vote is possible), waits until the cluster serves them, and restarts the old masters, which come back
 * as replicas, before it returns. Restart, pause and partition are not offered.
 *
 * <p>Thread-safe: the methods that fault the topology are synchronized.
 */
public final class ClusterTckHarness implements TckHarness {
    /** The longest a takeover may take (about 50 ms here). */
    private static final Duration FAILOVER = Duration.ofSeconds(10);

    private final String label;
    private final UnaryOperator<String> uriForSeeds;
    private final RedisCluster cluster;

    /**
     * Starts three masters with a replica each.
     *
     * @param label       the backend and its setting in reports, e.g. {@code "redis-lua Cluster 3x(1+1) (Jedis, replicas=1)"}
     * @param uriForSeeds the participants' URI for the seed nodes {@code host:port,host:port,...}; use timeouts of
     *                    about a second
     */
    public ClusterTckHarness(String label, UnaryOperator<String> uriForSeeds) {
        this.label = label;
        this.uriForSeeds = uriForSeeds;
        this.cluster = RedisCluster.start(3, 1);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(uri().orElseThrow(), env);
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(URI.create(uriForSeeds.apply(
                cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(",")))));
    }

    @Override
    public Set<FaultKind> faults() {
        return Set.of(FaultKind.FAILOVER);
    }

    /** Back to full strength first, in case an earlier {@code prepareFailover()} was not followed by a failover. */
    @Override
    public synchronized void prepareFailover() {
        cluster.rejoin();
        cluster.masters().forEach(cluster::holdBackReplication);
    }

    @Override
    public synchronized void failover() {
        List<RedisServer> masters = cluster.masters();
        List<RedisServer> replicas = new ArrayList<>();
        masters.forEach(m -> replicas.add(cluster.replicasOf(m).get(0)));
        masters.forEach(RedisServer::kill);
        cluster.releaseReplication();
        replicas.forEach(r -> r.call("CLUSTER", "FAILOVER", "TAKEOVER"));
        masters.forEach(m -> cluster.awaitFailover(m, FAILOVER));
        cluster.rejoin();
    }

    /** The topology, for a test that wants to look at it or fault it otherwise. */
    public RedisCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        cluster.close();
    }
}
