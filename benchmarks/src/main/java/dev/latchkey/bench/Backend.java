package dev.latchkey.bench;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.redisson.Redisson;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The lock implementations under test, each opened against the Redis on a given port. Latchkey's
 * backends are reached only through {@link Locks#open(String)}; Redisson's {@link RLock} is there for
 * comparison. Every acquisition uses an explicit lease of {@link #LEASE} (no renewal, no Redisson
 * watchdog), so all of them do the same work: grant with a TTL, release.
 */
enum Backend {
    INMEMORY("inmemory", "inmemory", false, port -> latchkey("inmemory:bench")),
    GETSET("getset", "redis-getset", true, port -> latchkey("redis-getset://127.0.0.1:" + port + "?mode=checked")),
    LUA_JEDIS("lua-jedis", "redis-lua", true, port -> latchkey("redis-lua://127.0.0.1:" + port + "?client=jedis")),
    LUA_LETTUCE("lua-lettuce", "redis-lua", true, port -> latchkey("redis-lua://127.0.0.1:" + port + "?client=lettuce")),
    REDISSON("redisson", null, true, Backend::redisson),
    /** Redisson's {@code RFencedLock}, the peer that fences: measured in S5 (memory) only. */
    REDISSON_FENCED("redisson-fenced", null, true, Backend::redissonFenced);

    /** Long enough that no lease runs out during a run, even S5's 100k serial grants. */
    static final Duration LEASE = Duration.ofMinutes(5);
    /** How long an acquisition may wait before the benchmark fails. */
    static final Duration WAIT = Duration.ofSeconds(60);

    final String id;
    private final String scheme;
    final boolean usesRedis;
    private final IntFunction<Target> opener;

    Backend(String id, String scheme, boolean usesRedis, IntFunction<Target> opener) {
        this.id = id;
        this.scheme = scheme;
        this.usesRedis = usesRedis;
        this.opener = opener;
    }

    /** Connects to the Redis on 127.0.0.1:{@code port} (ignored by {@code inmemory}). */
    Target open(int port) {
        return opener.apply(port);
    }

    /** Whether its provider is on the class path (Redisson always is). */
    boolean available() {
        return scheme == null || Locks.providers().stream().anyMatch(p -> p.scheme().equals(scheme));
    }

    /** Whether it takes part in S1–S4 (all but {@link #REDISSON_FENCED}, which is there for S5). */
    boolean timed() {
        return this != REDISSON_FENCED;
    }

    static List<Backend> availableOnes() {
        return Arrays.stream(values()).filter(Backend::available).toList();
    }

    static Backend byId(String id) {
        return Arrays.stream(values()).filter(b -> b.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend '" + id + "'"));
    }

    /** One participant: a client with its connections. Thread-safe. */
    interface Target extends AutoCloseable {
        Mutex lock(String name);

        @Override
        void close();
    }

    /** A named lock; {@link #acquire()} blocks until held (or fails after {@link #WAIT}). */
    interface Mutex {
        Held acquire() throws InterruptedException;
    }

    /** One hold. Redisson's must be released by the thread that acquired it. */
    interface Held {
        void release();
    }

    private static Target latchkey(String uri) {
        LockClient client = Locks.open(uri);
        return new Target() {
            @Override
            public Mutex lock(String name) {
                DistributedLock lock = client.lock(name);
                return () -> {
                    Lease lease = lock.acquire(WAIT, LEASE);
                    return lease::release;
                };
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static Target redissonFenced(int port) {
        RedissonClient redisson = redissonClient(port);
        return new Target() {
            @Override
            public Mutex lock(String name) {
                RFencedLock lock = redisson.getFencedLock(name);
                return () -> {
                    if (lock.tryLockAndGetToken(WAIT.toMillis(), LEASE.toMillis(), TimeUnit.MILLISECONDS) == null) {
                        throw new IllegalStateException("redisson-fenced: " + name + " not acquired within " + WAIT);
                    }
                    return lock::unlock;
                };
            }

            @Override
            public void close() {
                redisson.shutdown(0, 5, TimeUnit.SECONDS);
            }
        };
    }

    private static RedissonClient redissonClient(int port) {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port);
        return Redisson.create(config);
    }

    private static Target redisson(int port) {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port);
        RedissonClient redisson = Redisson.create(config);
        return new Target() {
            @Override
            public Mutex lock(String name) {
                RLock lock = redisson.getLock(name);
                return () -> {
                    if (!lock.tryLock(WAIT.toMillis(), LEASE.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("redisson: " + name + " not acquired within " + WAIT);
                    }
                    return lock::unlock;
                };
            }

            @Override
            public void close() {
                redisson.shutdown(0, 5, TimeUnit.SECONDS); // no 2 s quiet period between runs
            }
        };
    }
}
