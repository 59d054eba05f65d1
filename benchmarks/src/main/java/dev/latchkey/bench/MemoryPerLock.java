package dev.latchkey.bench;

import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S5: Redis memory per held lock: the growth of {@code used_memory - mem_clients_normal} (from
 * {@code INFO memory}) over N locks held at once, divided by N. It counts everything a backend keeps
 * per lock (the lock key, its TTL entry, a fencing counter, a waiter queue) with the allocator's
 * rounding, but not the connections' buffers, which grow and shrink with how many pooled connections
 * happened to carry traffic and would otherwise add tens of bytes of noise per lock. The client is
 * warmed up first (connections, scripts loaded), and every backend gets the same lock names on an
 * emptied database, and each reading follows half a second of quiet. After all are released, the memory still left per name (for example fencing
 * counters kept forever) is reported too.
 */
final class MemoryPerLock {

    private static final Pattern USED = Pattern.compile("(?m)^used_memory:(\\d+)");
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Pattern CLIENTS = Pattern.compile("(?m)^mem_clients_normal:(\\d+)");

    /** Bytes per held lock, and bytes per name still used after release. */
    record Usage(double heldBytes, double residualBytes) {
    }

    private MemoryPerLock() {
    }

    static Usage measure(Backend backend, RedisServer redis, int locks) throws InterruptedException {
        redis.call("FLUSHALL");
        try (Backend.Target target = backend.open(redis.port())) {
            target.lock("bench:s5:warm-up").acquire().release();
            long before = usedMemory(redis);
            List<Backend.Held> held = new ArrayList<>(locks);
            for (int i = 0; i < locks; i++) {
                held.add(target.lock("bench:s5:" + i).acquire());
            }
            long holding = usedMemory(redis);
            held.forEach(Backend.Held::release);
            long after = usedMemory(redis);
            return new Usage((holding - before) / (double) locks, (after - before) / (double) locks);
        } finally {
            redis.call("FLUSHALL");
        }
    }

    /** Memory used by data: {@code used_memory} less the normal clients' buffers. */
    static long usedMemory(RedisServer redis) throws InterruptedException {
        Thread.sleep(QUIET.toMillis()); // lets the server finish rehashing and resizing its tables
        String info = String.valueOf(redis.call("INFO", "memory"));
        return field(USED, info) - field(CLIENTS, info);
    }

    private static long field(Pattern pattern, String info) {
        Matcher m = pattern.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("INFO memory has no " + pattern);
        }
        return Long.parseLong(m.group(1));
    }
}
