package dev.latchkey.redis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisNodesTest {

    @Test
    void nodesAreIndependent() {
        try (RedisNodes nodes = RedisNodes.start(3)) {
            assertEquals(3, nodes.size());
            assertEquals(3, Set.copyOf(nodes.uris()).size());
            assertEquals(nodes.get(2).uri(), nodes.uris().get(2));

            nodes.get(0).call("SET", "k", "0");
            assertNull(nodes.get(1).call("GET", "k"));

            nodes.get(1).kill();
            assertEquals("0", nodes.get(0).call("GET", "k"));
            assertEquals("PONG", nodes.get(2).command("PING"));
        }
    }

    @Test
    void closeStopsEveryNode() {
        RedisNodes nodes = RedisNodes.start(2);
        nodes.get(0).pause();
        List<Long> pids = List.of(nodes.get(0).pid(), nodes.get(1).pid());
        nodes.close();
        assertFalse(nodes.get(0).isAlive());
        assertFalse(nodes.get(1).isAlive());
        pids.forEach(pid -> assertTrue(Timing.exited(pid), "pid " + pid + " still runs"));
        nodes.close();
    }

    @Test
    void rejectsFewerThanOneNode() {
        assertThrows(IllegalArgumentException.class, () -> RedisNodes.start(0));
    }
}
