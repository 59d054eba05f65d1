package dev.latchkey.redis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisClusterTest {

    @Test
    void mastersShareAllSlotsAndRedirect() {
        try (RedisCluster cluster = RedisCluster.start()) {
            assertEquals(3, cluster.nodes().size());
            assertEquals(cluster.nodes().get(0).uri(), cluster.seedUri());
            for (RedisServer node : cluster.nodes()) {
                String info = (String) node.call("CLUSTER", "INFO");
                assertTrue(info.contains("cluster_state:ok\r\n"), info);
                assertTrue(info.contains("cluster_slots_assigned:16384\r\n"), info);
                assertTrue(info.contains("cluster_known_nodes:3\r\n"), info);
            }
            RedisServer first = cluster.nodes().get(0);
            RedisServer third = cluster.nodes().get(2);
            assertEquals(12182L, first.call("CLUSTER", "KEYSLOT", "foo"));
            RedisReplyException moved = assertThrows(RedisReplyException.class, () -> first.call("SET", "foo", "bar"));
            assertEquals("MOVED 12182 127.0.0.1:" + third.port(), moved.getMessage());
            assertEquals("OK", third.call("SET", "foo", "bar"));
        }
    }

    @Test
    void restartedNodeRejoinsWithItsSlots() {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisServer third = cluster.nodes().get(2);
            String id = (String) third.call("CLUSTER", "MYID");
            third.kill();
            third.restart();
            assertEquals(id, third.call("CLUSTER", "MYID"));
            Timing.await("the restarted node serves its slots",
                    () -> String.valueOf(third.call("CLUSTER", "INFO")).contains("cluster_state:ok"), Duration.ofSeconds(20));
            assertEquals("OK", third.call("SET", "foo", "bar"));
        }
    }

    @Test
    void closeStopsEveryNode() {
        RedisCluster cluster = RedisCluster.start(1);
        cluster.close();
        assertFalse(cluster.nodes().get(0).isAlive());
    }
}
