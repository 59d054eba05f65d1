package com.example.locks;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The example's driver: one key per lock ({@code example:<name>}, the owner's token with the lease as
 * its TTL), one fencing counter per name ({@code example:<name>:fence}), and every write followed by
 * {@code WAIT} on the same connection, so that a grant counts only once {@code replicas} replicas have
 * it (a failover then never forgets it). Waiters poll every 10 ms: this backend does not claim
 * NO_POLLING, and the conformance kit says so. It reports; the engine decides: a grant that no
 * replica acknowledged in time is reported as a failure, and the engine undoes it.
 *
 * <p>Thread-safe: all state is in Redis.
 */
final class ExampleDriver implements LockDriver {
    private static final String ACQUIRE = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then"
            + " return redis.call('INCR', KEYS[2]) end return 0";
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    private static final String EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
    private static final long POLL_MILLIS = 10;

    private final JedisPooled redis;
    private final int replicas;
    private final long waitMillis;
    private final Ticker ticker;
    private final String where;

    ExampleDriver(String host, int port, int replicas, Duration timeout, Ticker ticker) {
        int millis = (int) timeout.toMillis();
        this.redis = new JedisPooled(new HostAndPort(host, port),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis).socketTimeoutMillis(millis).build());
        this.replicas = replicas;
        this.waitMillis = Math.max(1, timeout.toMillis() / 2);
        this.ticker = ticker;
        this.where = host + ":" + port;
    }

    static Set<Capability> capabilities(int replicas) {
        Set<Capability> c = EnumSet.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY, Capability.OWNER_SAFE_RELEASE,
                Capability.LEASE_RENEWAL, Capability.FENCING_TOKENS, Capability.CLOCK_INDEPENDENT, Capability.REENTRANT,
                Capability.INTERRUPTIBLE, Capability.ASYNC, Capability.ADMIN);
        if (replicas > 0) {
            c.add(Capability.FAILOVER_SAFE);
        }
        return c;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities(replicas);
    }

    @Override
    public String describe() {
        return "example " + where + " (replicas=" + replicas + ")";
    }

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        long start = ticker.nanoTime();
        while (true) {
            long sent = ticker.nanoTime();
            long fence = write("acquire", j -> (Long) j.eval(ACQUIRE, List.of(key(name), key(name) + ":fence"),
                    List.of(token, Long.toString(leaseMillis))));
            if (fence > 0) {
                return new Grant(fence, sent);
            }
            if (waitNanos != Long.MAX_VALUE && ticker.nanoTime() - start >= waitNanos) {
                return null;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        return write("extend", j -> (Long) j.eval(EXTEND, List.of(key(name)), List.of(token, Long.toString(leaseMillis)))) == 1;
    }

    @Override
    public boolean release(String name, String token) {
        return write("release", j -> (Long) j.eval(RELEASE, List.of(key(name)), List.of(token))) == 1;
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        String holder = call("inspect", () -> redis.get(key(name)));
        long ttl = call("inspect", () -> redis.pttl(key(name)));
        String fence = call("inspect", () -> redis.get(key(name) + ":fence"));
        return Optional.of(new LockInfo(name, holder, fence == null ? 0 : Long.parseLong(fence),
                holder == null || ttl < 0 ? Duration.ZERO : Duration.ofMillis(ttl), -1));
    }

    @Override
    public boolean forceRelease(String name) {
        return write("forceRelease", j -> j.del(key(name))) == 1;
    }

    @Override
    public boolean forget(String name) {
        return write("forget", j -> j.del(key(name), key(name) + ":fence")) > 0;
    }

    @Override
    public void close() {
        redis.close();
    }

    private static String key(String name) {
        return "example:{" + name + "}";
    }

    /** A write, then WAIT on the same connection: it counts only once enough replicas have it. */
    private long write(String what, Function<Jedis, Long> script) {
        return call(what, () -> {
            try (Connection connection = redis.getPool().getResource()) {
                Jedis jedis = new Jedis(connection);
                long result = script.apply(jedis);
                if (replicas > 0 && result != 0 && jedis.waitReplicas(replicas, waitMillis) < replicas) {
                    throw new LockUnavailableException("example " + what + " at " + where + " was not acknowledged by "
                            + replicas + " replica(s) within " + waitMillis + " ms", LockUnavailableException.Reason.NOT_READY, null);
                }
                return result;
            }
        });
    }

    private <T> T call(String what, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (JedisDataException e) {
            throw new LockUnavailableException("example " + what + " at " + where + ": " + e.getMessage(),
                    LockUnavailableException.Reason.SERVER_ERROR, e);
        } catch (JedisException e) {
            throw new LockUnavailableException("example " + what + " at " + where + " failed: " + e.getMessage(), e);
        }
    }
}
