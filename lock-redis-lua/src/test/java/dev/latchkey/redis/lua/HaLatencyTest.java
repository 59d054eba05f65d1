package dev.latchkey.redis.lua;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisCluster;
import dev.latchkey.redis.testkit.RedisSentinel;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What each deployment costs a lock, measured, not asserted (a measurement, so in the soak profile:
 * {@code ./mvnw -Psoak verify -pl lock-redis-lua -am -Dtest=HaLatencyTest -Dsurefire.failIfNoSpecifiedTests=false}):
 * one uncontended acquire + release, and a hand-off (release to the woken waiter's grant), with Jedis and
 * Lettuce, on one server, on Sentinel (a master and one replica) with and without {@code replicas=1}, and on a
 * cluster of three masters with one replica each, with and without. Prints a Markdown table.
 */
@Tag("soak")
class HaLatencyTest {
    private static final int WARMUP = 300;
    private static final int PAIRS = 3_000;
    private static final int HANDOFFS = 300;

    @Test
    void acquireReleaseAndHandoff_perTopologyAndSetting() throws Exception {
        System.out.println("| topology | setting | client | acquire+release p50 | p99 | hand-off p50 | p99 |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (RedisServer server = RedisServer.start()) {
            measure("one server", "-", (client, extra) -> TestRedis.uri(server.port(), client, extra));
        }
        try (RedisSentinel sentinel = RedisSentinel.start(RedisSentinel.DEFAULT_MASTER_NAME, 1)) {
            measure("Sentinel 1+1", "no acknowledgement", (client, extra) -> SentinelTest.uri(sentinel, client, extra));
            measure("Sentinel 1+1", "replicas=1", (client, extra) -> SentinelTest.uri(sentinel, client, "replicas=1" + (extra.isEmpty() ? "" : "&" + extra)));
        }
        try (RedisCluster cluster = RedisCluster.start(3, 1)) {
            measure("Cluster 3x(1+1)", "no acknowledgement", (client, extra) -> ClusterReplicasTest.uri(cluster, client, extra));
            measure("Cluster 3x(1+1)", "replicas=1", (client, extra) -> ClusterReplicasTest.uri(cluster, client, "replicas=1" + (extra.isEmpty() ? "" : "&" + extra)));
        }
    }

    private static void measure(String topology, String setting, BiFunction<String, String, String> uri) throws Exception {
        for (String client : new String[] {"jedis", "lettuce"}) {
            Histogram pairs = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            Histogram handoffs = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            String name = TestRedis.name("latency");
            try (LockClient a = Locks.open(uri.apply(client, "")); LockClient b = Locks.open(uri.apply(client, "fallback=30s"))) {
                for (int i = -WARMUP; i < PAIRS; i++) {
                    long t = System.nanoTime();
                    a.lock(name).acquire(Duration.ofSeconds(10)).release();
                    if (i >= 0) {
                        pairs.recordValue((System.nanoTime() - t) / 1_000);
                    }
                }
                for (int i = -10; i < HANDOFFS; i++) {
                    Lease held = a.lock(name).acquire(Duration.ofSeconds(10));
                    CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(10), Duration.ofSeconds(10)).toCompletableFuture();
                    Thread.sleep(2); // the waiter's attempt failed and it listens
                    long t = System.nanoTime();
                    held.release();
                    Lease next = waiting.get(10, TimeUnit.SECONDS);
                    if (i >= 0) {
                        handoffs.recordValue((System.nanoTime() - t) / 1_000);
                    }
                    next.release();
                }
                a.forget(name);
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", topology, setting, client,
                    pairs.getValueAtPercentile(50) / 1e3, pairs.getValueAtPercentile(99) / 1e3,
                    handoffs.getValueAtPercentile(50) / 1e3, handoffs.getValueAtPercentile(99) / 1e3);
        }
    }
}
