package dev.latchkey.redis.getset;

import dev.latchkey.LockClient;
import dev.latchkey.redis.RedisConnection;
import dev.latchkey.redis.common.KeyNaming;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds {@code redis-getset} clients on a Redis client the application already has, handed over as a
 * {@link RedisConnection} by a client adapter module ({@code lock-redis-jedis} or {@code lock-redis-lettuce}):
 *
 * <pre>{@code
 * LockClient locks = RedisGetSetLocks.builder()
 *         .mode(RedisGetSetLocks.Mode.CHECKED)
 *         .lease(Duration.ofSeconds(30))
 *         .build(JedisClients.connection(jedisPooled, Duration.ofSeconds(2)));   // or LettuceClients.connection(redisClient)
 * }</pre>
 *
 * The same backend is reachable by URI:
 * {@code redis-getset://host:6379[/db]?mode=article|checked&retry=100ms&lease=30s} plus the common Redis
 * options ({@code client, password, user, tls, timeout, prefix, cluster}); see
 * {@link RedisGetSetLockProvider}.
 *
 * <p>This backend is the classic {@code SETNX}/{@code GETSET} lock. It exists to be measured, and to
 * show where that algorithm breaks; for production use the {@code redis-lua} backend. Its limits:
 * expiry is judged on the participants' wall clocks; there are no fencing tokens; waiters poll. In
 * {@link Mode#ARTICLE} a release frees whoever holds the lock, so a holder that outlived its lease
 * frees its successor's.
 *
 * <p>The static methods are thread-safe; a {@link Builder} is not (build, then share the client).
 */
public final class RedisGetSetLocks {

    /** The lease used when none is given. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** The default pause between attempts (the article's is {@link #ARTICLE_RETRY}). */
    public static final Duration DEFAULT_RETRY = Duration.ofMillis(100);
    /** The pause between attempts in the original article. */
    public static final Duration ARTICLE_RETRY = Duration.ofSeconds(1);

    /** Which variant of the algorithm runs. */
    public enum Mode {
        /**
         * The article's algorithm, unfixed: value = expiry timestamp, takeover by {@code GETSET}, release
         * by plain {@code DEL}, no key TTL, a fixed pause between attempts, no extension. For measuring
         * and demonstrating its failures.
         */
        ARTICLE,
        /**
         * The same algorithm with the holder's token in the value, owner-checked release and extension
         * (WATCH/MULTI/EXEC, no Lua), a compare-and-set takeover, a TTL on every key, jittered backoff.
         */
        CHECKED
    }

    private RedisGetSetLocks() {
    }

    /** A builder with the defaults: checked mode, 30 s lease, 100 ms retry, no skew, prefix {@code latchkey:}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings for one client. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private Mode mode = Mode.CHECKED;
        private Duration lease = DEFAULT_LEASE;
        private Duration retry = DEFAULT_RETRY;
        private Duration skew = Duration.ZERO;
        private KeyNaming keys = new KeyNaming("latchkey:");
        private LockEnvironment env = LockEnvironment.SYSTEM;

        private Builder() {
        }

        /** The clocks the client measures with and judges expiry by; default the system's. */
        public Builder environment(LockEnvironment env) {
            this.env = Objects.requireNonNull(env, "env");
            return this;
        }

        /** The variant; default {@link Mode#CHECKED}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The default lease of the client (for acquisitions that give none and the Lock view); default 30 s. */
        public Builder lease(Duration lease) {
            Arguments.leaseMillis(lease);
            this.lease = lease;
            return this;
        }

        /**
         * The pause between attempts while waiting: fixed in article mode, the cap of the jittered
         * backoff in checked mode. Default 100 ms; the article used 1 s ({@link #ARTICLE_RETRY}).
         */
        public Builder retry(Duration retry) {
            if (retry == null || retry.toMillis() < 1) {
                throw new IllegalArgumentException("retry must be at least 1 ms, was " + retry);
            }
            this.retry = retry;
            return this;
        }

        /**
         * <b>Testing only.</b> Offsets this participant's wall clock, which the algorithm judges expiry
         * by, to simulate clock skew between participants (positive: this clock runs ahead, so it sees
         * other holders' locks as stale early). Default zero.
         */
        public Builder skew(Duration skew) {
            this.skew = Objects.requireNonNull(skew, "skew");
            return this;
        }

        /** The prefix of the Redis keys; default {@code latchkey:}. A lock's key is {@code <prefix>{<name>}:getset}. */
        public Builder prefix(String prefix) {
            this.keys = new KeyNaming(prefix);
            return this;
        }

        Builder keys(KeyNaming keys) {
            this.keys = keys;
            return this;
        }

        /**
         * A client over the connection. The client owns the connection and closes it when closed; the
         * application's Redis client stays open. Lettuce cluster clients cannot run checked mode (no
         * WATCH/MULTI/EXEC on them).
         *
         * @throws IllegalArgumentException if the connection was not made by a Latchkey client adapter
         */
        public LockClient build(RedisConnection connection) {
            Clock clock = Clock.offset(env.clock(), skew);
            return LockEngine.client(new GetSetDriver(RedisPorts.of(connection), keys, mode, clock, env.ticker(), retry, skew), lease, env);
        }
    }
}
