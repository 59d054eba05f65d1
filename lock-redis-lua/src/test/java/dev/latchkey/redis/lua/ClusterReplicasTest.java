package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.SentinelTest.eventually;
import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisCluster;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Redis Cluster of three masters with a replica each (back to full strength before each test): with
 * {@code replicas=1} every grant waits for the replica of its slot's master, and one it never gets is refused;
 * without, a takeover by that replica grants the lock twice.
 */
class ClusterReplicasTest {
    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start(3, 1);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @BeforeEach
    void fullStrength() {
        cluster.rejoin();
    }

    static String uri(RedisCluster cluster, String client, String extra) {
        return "redis-lua://" + cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","))
                + "?cluster=true&client=" + client + "&timeout=1s" + (extra.isEmpty() ? "" : "&" + extra);
    }

    private static String lockKey(String name) {
        return "latchkey:{" + name + "}"; // a hash: o = holder, e = end, f = fencing counter
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void withReplicas1_grantsOnEveryMasterAreAcknowledged_andOneTheReplicaNeverGets_isRefused(String client) throws Exception {
        // A WAIT answers as soon as the replica has the write: a long timeout costs nothing unless it is missing.
        try (LockClient c = Locks.open(uri(cluster, client, "replicas=1&replicaTimeout=" + scaled(Duration.ofSeconds(5)).toMillis() + "ms"));
             LockClient impatient = Locks.open(uri(cluster, client, "replicas=1&replicaTimeout=300ms"))) {
            assertTrue(c.capabilities().contains(Capability.FAILOVER_SAFE));
            for (int i = 0; i < 12; i++) { // names spread over the three masters
                String name = name("acked" + i);
                try (Lease lease = c.lock(name).acquire(Duration.ofSeconds(10))) {
                    RedisServer replica = cluster.replicasOf(cluster.masterFor(lockKey(name))).get(0);
                    // a fresh name: its key exists only through the grant (a replica answers KEYS without READONLY)
                    assertEquals(java.util.List.of(lockKey(name)), replica.call("KEYS", lockKey(name)), "acknowledged, so its replica has it");
                    lease.extend(Duration.ofSeconds(10));
                }
            }
            String name = name("refused");
            RedisServer master = cluster.masterFor(lockKey(name));
            cluster.holdBackReplication(master);
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> impatient.lock(name).tryAcquire(Duration.ofSeconds(30)));
            assertEquals(LockUnavailableException.Reason.NOT_READY, e.reason());
            assertTrue(e.getMessage().contains("not acknowledged by 1 replica within 300 ms"), e.getMessage());
            assertNull(master.call("HGET", lockKey(name), "o"), "the engine undid the grant");
            cluster.releaseReplication();
        }
    }

    /** The evidence on a cluster: the replica that takes over its master's slots lacks a grant the master acknowledged. */
    @Test
    void withoutAcknowledgement_aTakeoverGrantsTheLockTwice() throws Exception {
        String name = name("twice");
        try (LockClient a = Locks.open(uri(cluster, "jedis", "")); LockClient b = Locks.open(uri(cluster, "jedis", ""))) {
            RedisServer master = cluster.masterFor(lockKey(name));
            RedisServer replica = cluster.replicasOf(master).get(0);
            cluster.holdBackReplication(master);
            Lease first = a.lock(name).acquire(Duration.ofSeconds(30));
            master.kill();
            cluster.releaseReplication();
            cluster.failover(replica, RedisCluster.Failover.TAKEOVER, scaled(Duration.ofSeconds(5)));
            Lease second = eventually(() -> b.lock(name).tryAcquire(Duration.ofSeconds(30)), Duration.ofSeconds(5)).orElseThrow();
            assertTrue(first.isValid() && second.isValid(), "two valid leases on one lock");
            assertEquals(first.fencingToken(), second.fencingToken(), "and the same fencing token twice");
        }
    }
}
