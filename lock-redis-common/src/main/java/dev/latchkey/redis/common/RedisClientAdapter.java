package dev.latchkey.redis.common;

/**
 * A Redis client library behind {@link RedisPort}, found with {@link java.util.ServiceLoader}: the
 * modules {@code lock-redis-jedis} ({@code jedis}) and {@code lock-redis-lettuce} ({@code lettuce})
 * each provide one. The URI option {@code client} names one; see {@link RedisPorts#open}.
 * Implementations are stateless and thread-safe, with a public no-argument constructor.
 */
public interface RedisClientAdapter {

    /** The value of the URI option {@code client} that picks this adapter, e.g. {@code jedis}. */
    String name();

    /**
     * Connects as the settings say. The port need not have talked to the server yet:
     * {@link RedisPorts#open} checks it with PING.
     *
     * @throws dev.latchkey.LockUnavailableException if the server cannot be reached
     */
    RedisPort open(RedisSettings settings);
}
