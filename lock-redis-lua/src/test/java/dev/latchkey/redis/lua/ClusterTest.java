package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Redis Cluster: a lock's keys share one hash slot, so each script runs on one node; wake-ups cross nodes. */
class ClusterTest {
    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start(3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static LockClient open(String client, String extra) {
        return Locks.open(cluster.seedUri().replace("redis://", "redis-lua://") + "?cluster=true&client=" + client + extra);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void locksOnEveryNode_acquireFenceAndHandOver(String client) throws Exception {
        try (LockClient a = open(client, ""); LockClient b = open(client, "&fallback=30s")) {
            for (String name : twoNamesPerNode()) {
                Lease first = a.lock(name).acquire(Duration.ofSeconds(30));
                CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(10), Duration.ofSeconds(10)).toCompletableFuture();
                Thread.sleep(50);
                first.release();
                Lease second = waiting.get(scaledMillis(2_000), TimeUnit.MILLISECONDS); // woken, not the 30 s fallback
                assertTrue(second.fencingToken() > first.fencingToken());
                assertEquals(second.fencingToken(), b.inspect(name).orElseThrow().fencingToken());
                second.release();
            }
        }
    }

    /** Lock names whose keys live on each node in turn (node i serves slots [i * 16384 / n, (i + 1) * 16384 / n)). */
    private static List<String> twoNamesPerNode() {
        int n = cluster.nodes().size();
        int[] found = new int[n];
        List<String> names = new ArrayList<>();
        for (int i = 0; names.size() < 2 * n; i++) {
            String name = TestRedis.name("cluster" + i);
            long slot = Long.parseLong(cluster.nodes().get(0).command("CLUSTER", "KEYSLOT", "latchkey:{" + name + "}"));
            int node = (int) (slot * n / 16_384);
            if (found[node] < 2) {
                found[node]++;
                names.add(name);
            }
        }
        return names;
    }
}
