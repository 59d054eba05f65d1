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
 * {@code redis-lua://[user:password@]host[:port][/db]?client=jedis|lettuce&lease=30s&timeout=2s&fallback=5s&fair=false&prefix=latchkey:&tls=false&cluster=false&sentinel=&replicas=0&replicaTimeout=&waitaof=false&user=&password=}.
 * {@code fallback} bounds how long a waiter sleeps without a wake-up message before it checks
 * again (it covers messages lost while the pub/sub connection reconnects, a failover included).
 * {@code fair=true} grants the lock to waiters in arrival order ({@link Capability#FAIR}) at the cost of a
 * queue per contended name.
 *
 * <p>Replicated Redis: {@code redis-lua://s1:26379,s2:26379,s3:26379?sentinel=mymaster} asks the Sentinels
 * for the master named {@code mymaster} and follows it across failovers; {@code ...?cluster=true} takes one
 * or more cluster seeds. {@code replicas=N} (default 0: off) makes acquire, extend and release count only
 * once N replicas acknowledged them within {@code replicaTimeout} (default: {@code timeout}), with WAIT, or
 * WAITAOF where {@code waitaof=true} and the server has it (7.2+); only then does a client declare
 * {@link Capability#FAILOVER_SAFE}. See {@link ReplicatedWrites}. Stateless and thread-safe.
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
                + "&fallback=5s&fair=false&prefix=latchkey:&tls=false&cluster=false&replicas=0&replicaTimeout=2s&waitaof=false];"
                + " Sentinel: redis-lua://s1:26379,s2:26379?sentinel=mymaster";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        if (uri == null || !SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a " + SCHEME + " uri: " + (uri == null ? null : UriOptions.redact(uri)));
        }
        RedisSettings settings = RedisSettings.parse(uri, Set.of("fallback", "fair", "replicas", "replicaTimeout", "waitaof"), DEFAULT_LEASE);
        UriOptions options = settings.options();
        Duration lease = Duration.ofMillis(Arguments.leaseMillis(settings.lease()));
        Duration fallback = positive("fallback", options.duration("fallback", DEFAULT_FALLBACK));
        boolean fair = options.bool("fair", false);
        int replicas = options.integer("replicas", 0, 0, MAX_REPLICAS);
        Duration replicaTimeout = positive("replicaTimeout", options.duration("replicaTimeout", settings.timeout()));
        boolean waitaof = options.bool("waitaof", false);
        if (replicas == 0 && (options.string("replicaTimeout", null) != null || waitaof)) {
            throw new IllegalArgumentException("option '" + (waitaof ? "waitaof" : "replicaTimeout") + "' needs option 'replicas'"
                    + " (how many replicas must acknowledge each write) of at least 1, in " + settings.redacted());
        }
        RedisPort port = RedisPorts.open(settings);
        try {
            ReplicatedWrites writes = ReplicatedWrites.of(port, replicas, replicaTimeout, waitaof);
            return LockEngine.client(new LuaLockDriver(port, writes, settings.keys(), fallback, fair, env.ticker()), lease, env);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /** The most replicas a write may wait for. */
    static final int MAX_REPLICAS = 100;

    static Duration positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.toMillis() < 1) {
            throw new IllegalArgumentException("option '" + option + "' must be at least 1 ms, was " + value);
        }
        return value;
    }
}
