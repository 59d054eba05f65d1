package dev.latchkey.redis.lua;

import dev.latchkey.LockClient;
import dev.latchkey.redis.RedisConnection;
import dev.latchkey.redis.common.KeyNaming;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.Ticker;
import java.time.Duration;

/**
 * Builds a {@code redis-lua} {@link LockClient} on a Redis client the application already has, handed
 * over as a {@link RedisConnection} by a client adapter module ({@code lock-redis-jedis} or
 * {@code lock-redis-lettuce}):
 * <pre>{@code
 * LockClient locks = RedisLuaLocks.builder().build(JedisClients.connection(jedisPooled, Duration.ofSeconds(2)));
 * LockClient locks = RedisLuaLocks.builder().lease(Duration.ofSeconds(10))
 *         .prefix("app:locks:").fallback(Duration.ofSeconds(5)).build(LettuceClients.connection(redisClient));
 * }</pre>
 * The lock client uses the given client's connections (plus one pub/sub connection of its own) and
 * leaves the client open when it is closed. The equivalent URI form is
 * {@code redis-lua://host:6379?lease=30s&fallback=5s}.
 *
 * <p>Thread-safety: the static methods are thread-safe; a {@link Builder} is not, but the clients
 * it builds are. On lease loss: see {@link dev.latchkey.Lease}.
 */
public final class RedisLuaLocks {
    private RedisLuaLocks() {
    }

    /** Options for a lock client over an existing Redis client. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options: lease (default 30 s), key prefix (default {@code latchkey:}), fallback (default 5 s), fair (default
     * false), replicas (default none). Not thread-safe.
     */
    public static final class Builder {
        private Duration lease = RedisLuaLockProvider.DEFAULT_LEASE;
        private Duration fallback = RedisLuaLockProvider.DEFAULT_FALLBACK;
        private String prefix = "latchkey:";
        private boolean fair;
        private int replicas;
        private Duration replicaTimeout = Duration.ofSeconds(1);

        private Builder() {
        }

        /** The lease used where a call gives none. */
        public Builder lease(Duration lease) {
            Arguments.leaseMillis(lease);
            this.lease = lease;
            return this;
        }

        /** The prefix of every key and channel; must not contain '{' or '}'. */
        public Builder prefix(String prefix) {
            new KeyNaming(prefix);
            this.prefix = prefix;
            return this;
        }

        /** The longest a waiter sleeps without a wake-up message before it checks again. */
        public Builder fallback(Duration fallback) {
            this.fallback = RedisLuaLockProvider.positive("fallback", fallback);
            return this;
        }

        /** Whether waiters are granted the lock in arrival order (see the {@code fair} URI option). */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /**
         * Whether acquire, extend and release count only once {@code replicas} replicas acknowledged them
         * within {@code timeout} (WAIT; see the {@code replicas} URI option); 0, the default, turns it off.
         * Needs a {@code JedisPooled} or {@code JedisCluster}, or a Lettuce {@code RedisClient} whose options turn
         * auto-reconnect off (Lettuce re-sends unanswered commands after a reconnect, perhaps to a new master, which
         * would part a script from its WAIT); a URI has none of these limits.
         */
        public Builder replicas(int replicas, Duration timeout) {
            if (replicas < 0 || replicas > RedisLuaLockProvider.MAX_REPLICAS) {
                throw new IllegalArgumentException("replicas must be between 0 and " + RedisLuaLockProvider.MAX_REPLICAS + ", was " + replicas);
            }
            this.replicaTimeout = RedisLuaLockProvider.positive("timeout", timeout);
            this.replicas = replicas;
            return this;
        }

        /**
         * A lock client over the connection, checked with PING. The lock client owns the connection and
         * closes it when closed; the application's Redis client stays open.
         *
         * @throws IllegalArgumentException if the connection was not made by a Latchkey client adapter
         * @throws dev.latchkey.LockUnavailableException if the server cannot be reached
         */
        public LockClient build(RedisConnection connection) {
            RedisPort port = RedisPorts.of(connection);
            try {
                port.ping();
            } catch (RuntimeException e) {
                port.close();
                throw e;
            }
            ReplicatedWrites writes = ReplicatedWrites.of(port, replicas, replicaTimeout, false);
            return LockEngine.client(new LuaLockDriver(port, writes, new KeyNaming(prefix), fallback, fair, Ticker.SYSTEM), lease);
        }
    }
}
