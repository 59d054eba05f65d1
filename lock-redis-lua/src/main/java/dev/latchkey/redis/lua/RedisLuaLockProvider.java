package dev.latchkey.redis.lua;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code redis-lua} scheme:
 * {@code redis-lua://[user:password@]host[:port][/db]?client=jedis|lettuce&lease=30s&timeout=2s&fallback=5s&fair=false&prefix=latchkey:&tls=false&cluster=false&user=&password=}.
 * {@code fallback} bounds how long a waiter sleeps without a wake-up message before it checks
 * again (it covers messages lost while the pub/sub connection reconnects). {@code fair=true}
 * grants the lock to waiters in arrival order ({@link Capability#FAIR}) at the cost of a queue per
 * contended name. Stateless and thread-safe.
 *
 * <p>On lease loss: see {@link dev.latchkey.Lease}; a client from this provider renews
 * leases ({@link Capability#LEASE_RENEWAL}) and reports a failed renewal before the deadline.
 */
public final class RedisLuaLockProvider implements LockProvider {
    /** The scheme. */
    public static final String SCHEME = "redis-lua";
    /** The default lease when the URI gives none. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** The default bound on a waiter's sleep without a wake-up. */
    public static final Duration DEFAULT_FALLBACK = Duration.ofSeconds(5);

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Set<Capability> capabilities() {
        return LuaLockDriver.CAPABILITIES;
    }

    @Override
    public String description() {
        return "production Redis backend (Lua scripts, fencing tokens, pub/sub wake-ups); "
                + "redis-lua://[user:password@]host[:port][/db][?client=jedis|lettuce&lease=30s&timeout=2s"
                + "&fallback=5s&fair=false&prefix=latchkey:&tls=false&cluster=false]";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        if (uri == null || !SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a " + SCHEME + " uri: " + (uri == null ? null : UriOptions.redact(uri)));
        }
        RedisSettings settings = RedisSettings.parse(uri, Set.of("fallback", "fair"), DEFAULT_LEASE);
        Duration lease = Duration.ofMillis(Arguments.leaseMillis(settings.lease()));
        Duration fallback = positive("fallback", settings.options().duration("fallback", DEFAULT_FALLBACK));
        boolean fair = settings.options().bool("fair", false);
        RedisPort port = RedisPorts.open(settings);
        return LockEngine.client(new LuaLockDriver(port, settings.keys(), fallback, fair, env.ticker()), lease, env);
    }

    static Duration positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.toMillis() < 1) {
            throw new IllegalArgumentException("option '" + option + "' must be at least 1 ms, was " + value);
        }
        return value;
    }
}
