package dev.latchkey.redis.lettuce;

import dev.latchkey.redis.RedisConnection;
import dev.latchkey.redis.lettuce.internal.LettucePort;
import io.lettuce.core.AbstractRedisClient;
import java.util.Objects;

/**
 * Hands a Lettuce client that the application already has to a Latchkey Redis backend:
 * <pre>{@code
 * LockClient locks = RedisLuaLocks.builder().build(LettuceClients.connection(redisClient));
 * }</pre>
 * With a URI ({@code redis-lua://host:6379?client=lettuce}) nothing here is needed: the backend
 * finds this module's adapter by itself. Stateless and thread-safe; it holds no lease (on lease loss see
 * {@link dev.latchkey.Lease}).
 */
public final class LettuceClients {
    private LettuceClients() {
    }

    /**
     * A connection over a {@code RedisClient} or {@code RedisClusterClient}: it opens one multiplexed
     * connection for commands now, and a pub/sub connection when a backend subscribes; both use the
     * client's timeouts. Closing it (or the lock client built on it) closes those connections and
     * leaves the application's client running. Replica acknowledgement (a backend's {@code replicas} option) needs a
     * {@code RedisClient} whose options turn auto-reconnect off: Lettuce re-sends unanswered commands after a reconnect,
     * perhaps to a new master, which would part a script from its WAIT.
     *
     * @throws dev.latchkey.LockUnavailableException if the server cannot be reached
     */
    public static RedisConnection connection(AbstractRedisClient client) {
        Objects.requireNonNull(client, "client");
        return new LettucePort(client, false, client.getClass().getSimpleName());
    }
}
