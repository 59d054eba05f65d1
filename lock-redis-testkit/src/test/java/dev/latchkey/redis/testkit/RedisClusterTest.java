package dev.latchkey.redis.testkit;

import static dev.latchkey.redis.testkit.Timing.scaled;
import static dev.latchkey.redis.testkit.Timing.setAndWait;
import static dev.latchkey.redis.testkit.Timing.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three masters with a replica each for most tests (one cluster for the class, back to full
 * strength before each test), and one cluster of masters only.
 */
class RedisClusterTest {

    /**
     * The longest a failover should take once a master is dead: it is flagged failing after
     * NODE_TIMEOUT, and the flag spreads by gossip within another NODE_TIMEOUT; its replica waits
     * 500 ms plus up to 500 ms at random before asking for votes, which arrive within a
     * NODE_TIMEOUT; every node learns the new owner within one more. (Measured here: about 2 s.)
     */
    static final Duration FAILOVER_BOUND = RedisCluster.NODE_TIMEOUT.multipliedBy(4).plusSeconds(1);

    private static final Duration ACK = Duration.ofSeconds(1);
    private static final String KEY = "foo"; // slot 12182: the third master's at start

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

    @Test
    void threeMastersWithAReplicaEachShareAllSlots() {
        assertEquals(6, cluster.nodes().size());
        assertEquals(cluster.nodes().get(0).uri(), cluster.seedUri());
        List<RedisServer> masters = cluster.masters();
        assertEquals(3, masters.size());
        Set<RedisServer> replicas = new HashSet<>();
        for (RedisServer master : masters) {
            assertEquals(1, cluster.replicasOf(master).size(), "replicas of " + master);
            replicas.addAll(cluster.replicasOf(master));
        }
        assertEquals(3, replicas.size());
        for (RedisServer node : cluster.nodes()) {
            String info = (String) node.call("CLUSTER", "INFO");
            assertTrue(info.contains("cluster_state:ok\r\n"), info);
            assertTrue(info.contains("cluster_slots_assigned:16384\r\n"), info);
            assertTrue(info.contains("cluster_known_nodes:6\r\n"), info);
        }
        RedisServer owner = cluster.masterFor(KEY);
        assertEquals(12182L, owner.call("CLUSTER", "KEYSLOT", KEY));
        RedisServer other = masters.stream().filter(m -> m != owner).findFirst().orElseThrow();
        RedisReplyException moved = assertThrows(RedisReplyException.class, () -> other.call("SET", KEY, "bar"));
        assertEquals("MOVED 12182 127.0.0.1:" + owner.port(), moved.getMessage());
        assertEquals(1, setAndWait(owner, KEY, "bar", 1, ACK), "the replica acknowledges the write");
        RedisServer replica = cluster.replicasOf(owner).get(0);
        assertThrows(RedisReplyException.class, () -> replica.call("GET", KEY), "a replica redirects to its master");
    }

    @Test
    void killedMasterIsReplacedByItsReplicaWithinTheBound() {
        RedisServer old = cluster.masterFor(KEY);
        RedisServer replica = cluster.replicasOf(old).get(0);
        assertEquals(1, setAndWait(old, KEY, "v", 1, ACK));

        long start = System.nanoTime();
        old.kill();
        RedisServer promoted = cluster.awaitFailover(old, scaled(FAILOVER_BOUND));
        System.out.println("Cluster failover after SIGKILL of a master took " + since(start).toMillis() + " ms");

        assertSame(replica, promoted);
        assertSame(promoted, cluster.masterFor(KEY));
        assertEquals("v", promoted.call("GET", KEY));
        assertEquals("OK", promoted.call("SET", KEY, "w"));
    }

    @Test
    void forcedFailoverPromotesTheReplicaAndTheOldMasterFollowsIt() {
        RedisServer old = cluster.masterFor(KEY);
        RedisServer replica = cluster.replicasOf(old).get(0);
        RedisServer promoted = cluster.failover(replica, RedisCluster.Failover.FORCE, scaled(FAILOVER_BOUND));
        assertSame(replica, promoted);
        assertNotEquals(old, cluster.masterFor(KEY));
        Timing.await("the old master replicates the new one", () -> cluster.replicasOf(promoted).contains(old), Duration.ofSeconds(5));
    }

    @Test
    void heldBackWriteIsAcknowledgedButLostInATakeover() {
        RedisServer old = cluster.masterFor(KEY);
        RedisServer replica = cluster.replicasOf(old).get(0);
        assertEquals(1, setAndWait(old, KEY, "replicated", 1, ACK));

        cluster.holdBackReplication(old);
        assertEquals(0, setAndWait(old, KEY, "acknowledged only", 1, Duration.ofMillis(200)),
                "the master acknowledged the write, its replica did not");
        old.kill();
        cluster.releaseReplication();

        RedisServer promoted = cluster.failover(replica, RedisCluster.Failover.TAKEOVER, scaled(FAILOVER_BOUND));
        assertSame(replica, promoted);
        assertEquals("replicated", promoted.call("GET", KEY), "the acknowledged write was lost in the failover");
    }

    /** Regression: rejoin() returned while a restarted former master served nothing and replicated no one yet. */
    @Test
    void everyMasterTakenOver_rejoinWaitsUntilTheFormerMastersReplicateTheNewOnes() {
        List<RedisServer> old = cluster.masters();
        List<RedisServer> replicas = old.stream().map(m -> cluster.replicasOf(m).get(0)).toList();
        old.forEach(RedisServer::kill);
        replicas.forEach(r -> r.call("CLUSTER", "FAILOVER", "TAKEOVER"));
        for (RedisServer master : old) {
            cluster.awaitFailover(master, scaled(FAILOVER_BOUND));
        }
        assertEquals(Set.copyOf(replicas), Set.copyOf(cluster.masters()));

        cluster.rejoin();
        for (int i = 0; i < old.size(); i++) {
            assertEquals(List.of(old.get(i)), cluster.replicasOf(replicas.get(i)), "replicas of " + replicas.get(i));
        }
    }

    @Test
    void mastersOnlyClusterRedirectsAndARestartedNodeServesItsSlotsAgain() {
        RedisCluster masters = RedisCluster.start(3);
        try {
            assertEquals(masters.nodes(), masters.masters());
            RedisServer first = masters.nodes().get(0);
            RedisServer third = masters.nodes().get(2);
            RedisReplyException moved = assertThrows(RedisReplyException.class, () -> first.call("SET", KEY, "bar"));
            assertEquals("MOVED 12182 127.0.0.1:" + third.port(), moved.getMessage(), "node i serves [i * 16384 / 3, ...)");

            String id = (String) third.call("CLUSTER", "MYID");
            third.kill();
            third.restart();
            assertEquals(id, third.call("CLUSTER", "MYID"));
            Timing.await("the restarted node serves its slots",
                    () -> String.valueOf(third.call("CLUSTER", "INFO")).contains("cluster_state:ok"), Duration.ofSeconds(20));
            assertEquals("OK", third.call("SET", KEY, "bar"));
        } finally {
            masters.close();
        }
        masters.nodes().forEach(node -> assertFalse(node.isAlive()));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> RedisCluster.start(0));
        assertThrows(IllegalArgumentException.class, () -> RedisCluster.start(1, -1));
        RedisServer master = cluster.masters().get(0);
        assertThrows(IllegalArgumentException.class, () -> cluster.failover(master, RedisCluster.Failover.FORCE, ACK));
    }
}
