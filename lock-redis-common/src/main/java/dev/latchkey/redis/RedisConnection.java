package dev.latchkey.redis;

/**
 * A Redis client that the application already has, made ready for a Latchkey backend. Made by a
 * client adapter, taken by a backend's builder:
 * <pre>{@code
 * RedisConnection c = JedisClients.connection(jedisPooled, Duration.ofSeconds(2));   // lock-redis-jedis
 * RedisConnection c = LettuceClients.connection(redisClient);                        // lock-redis-lettuce
 * LockClient locks = RedisLuaLocks.builder().lease(Duration.ofSeconds(30)).build(c);
 * }</pre>
 * Hand a connection to one builder: the lock client built on it owns it and closes it when it is
 * closed. Closing a connection stops only what Latchkey opened on the client (a pub/sub connection
 * and its thread); the application's client stays open. Backends accept only connections made by
 * Latchkey's adapter modules; this interface is not for implementing.
 *
 * <p>Thread-safe. It holds no lease: on lease loss see {@link dev.latchkey.Lease}.
 */
public interface RedisConnection extends AutoCloseable {

    /** The client and where it connects, without secrets, e.g. {@code jedis 127.0.0.1:6379/0}. */
    String describe();

    /** Closes what Latchkey opened on the client; never the application's client itself. Idempotent. */
    @Override
    void close();
}
