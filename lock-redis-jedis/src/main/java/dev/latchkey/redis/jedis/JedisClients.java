package dev.latchkey.redis.jedis;

import dev.latchkey.redis.RedisConnection;
import dev.latchkey.redis.jedis.internal.JedisPort;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * Hands a Jedis client that the application already has to a Latchkey Redis backend:
 * <pre>{@code
 * LockClient locks = RedisLuaLocks.builder().build(JedisClients.connection(jedisPooled, Duration.ofSeconds(2)));
 * }</pre>
 * With a URI ({@code redis-lua://host:6379?client=jedis}) nothing here is needed: the backend
 * finds this module's adapter by itself. Stateless and thread-safe; it holds no lease (on lease loss see
 * {@link dev.latchkey.Lease}).
 */
public final class JedisClients {
    private JedisClients() {
    }

    /**
     * A connection over a {@code JedisPooled} or {@code JedisCluster}. Commands use the client's pool;
     * Latchkey adds one pub/sub connection, owned by one daemon thread, when a backend subscribes.
     * Closing the connection (or the lock client built on it) closes that one and leaves the
     * application's client open. For Sentinel, open the backend from a URI ({@code ?sentinel=<master name>}): a
     * {@code JedisSentineled} handed over serves locks but not replica acknowledgement, which needs connections
     * of its own.
     *
     * @param timeout how long to wait for the server to confirm a subscription
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public static RedisConnection connection(UnifiedJedis jedis, Duration timeout) {
        Objects.requireNonNull(jedis, "jedis");
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be at least 1 ms, was " + timeout);
        }
        return new JedisPort(jedis, false, jedis.getClass().getSimpleName(), timeout.toMillis());
    }
}
