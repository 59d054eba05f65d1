package dev.latchkey.redis.quorum;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Test helpers: URIs over real nodes, unique lock names, the time scale, direct drivers, node-level probes. */
final class TestQuorum {
    /** Stretches every timing bound (system property latchkey.timeScale, set by the parent POM). */
    static final double SCALE = Double.parseDouble(System.getProperty("latchkey.timeScale", "1"));
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestQuorum() {
    }

    static long scaledMillis(long millis) {
        return (long) (millis * SCALE);
    }

    static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }

    static String name(String what) {
        return what + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    /** {@code redis-quorum://127.0.0.1:p1,127.0.0.1:p2,...?client=...&extra}. */
    static String uri(List<Integer> ports, String client, String extra) {
        return "redis-quorum://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
                + "?client=" + client + (extra.isEmpty() ? "" : "&" + extra);
    }

    static List<Integer> ports(List<RedisServer> servers) {
        return servers.stream().map(RedisServer::port).toList();
    }

    static LockClient open(List<RedisServer> servers, String client, String extra) {
        return Locks.open(uri(ports(servers), client, extra));
    }

    /** A driver without the engine, to call the SPI directly (e.g. with a token the engine never made). */
    static QuorumLockDriver driver(List<RedisServer> servers, String client, String extra) {
        QuorumUri parsed = QuorumUri.parse(URI.create(uri(ports(servers), client, extra)), Duration.ofSeconds(30), Duration.ofSeconds(5));
        return QuorumLockDriver.open(parsed.nodes(), parsed.fallback(), dev.latchkey.spi.Ticker.SYSTEM);
    }

    /** The value of the lock key of {@code name} on one node (default prefix), or null. */
    static String holderOn(RedisServer node, String name) {
        Object v = node.call("GET", "latchkey:{" + name + "}:qlock");
        return v == null ? null : v.toString();
    }

    /** The fence of {@code name} on one node (default prefix), 0 if none. */
    static long fenceOn(RedisServer node, String name) {
        Object v = node.call("GET", "latchkey:{" + name + "}:qfence");
        return v == null ? 0 : Long.parseLong(v.toString());
    }

    /** How many nodes hold a key of {@code name} whose value belongs to the acquisition {@code token}. */
    static int holding(List<RedisServer> nodes, String name, String token) {
        int n = 0;
        for (RedisServer node : nodes) {
            String v = holderOn(node, name);
            if (v != null && QuorumLockDriver.owner(v).equals(token)) {
                n++;
            }
        }
        return n;
    }

    /** Waits up to 5 s (scaled) for {@code condition}. */
    static boolean eventually(Supplier<Boolean> condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scaledMillis(5_000));
        while (System.nanoTime() < end) {
            if (condition.get()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.get();
    }
}
