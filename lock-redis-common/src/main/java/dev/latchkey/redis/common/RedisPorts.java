package dev.latchkey.redis.common;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Opens a {@link RedisPort} from {@link RedisSettings}, or wraps a client the application already
 * has. Only the chosen client library needs to be on the class path: each adapter class is loaded
 * only when used. Stateless and thread-safe.
 */
public final class RedisPorts {
    private RedisPorts() {
    }

    /** Connects with the client named in the settings and checks the connection with PING. */
    public static RedisPort open(RedisSettings s) {
        RedisPort port = "lettuce".equals(s.client()) ? LettucePort.open(s) : JedisPort.open(s);
        try {
            port.ping();
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
        return port;
    }

    /** Wraps an application's Jedis client ({@code JedisPooled} or {@code JedisCluster}); closing the port leaves it open. */
    public static RedisPort jedis(UnifiedJedis jedis, Duration timeout) {
        return new JedisPort(jedis, false, jedis.getClass().getSimpleName(), timeout.toMillis());
    }

    /** Wraps an application's Lettuce client ({@code RedisClient} or {@code RedisClusterClient}); closing the port leaves it running. */
    public static RedisPort lettuce(io.lettuce.core.AbstractRedisClient client) {
        return new LettucePort(client, false, client.getClass().getSimpleName());
    }

    /** Scripts reply with arrays; returns the elements as Long, String or null, whichever client decoded them. */
    static List<Object> normalize(Object reply) {
        if (!(reply instanceof List)) {
            List<Object> one = new ArrayList<>(1);
            one.add(scalar(reply));
            return one;
        }
        List<?> in = (List<?>) reply;
        List<Object> out = new ArrayList<>(in.size());
        for (Object o : in) {
            out.add(scalar(o));
        }
        return Collections.unmodifiableList(out);
    }

    private static Object scalar(Object o) {
        if (o instanceof byte[]) {
            return new String((byte[]) o, StandardCharsets.UTF_8);
        }
        if (o instanceof Number) {
            return ((Number) o).longValue();
        }
        return o;
    }
}
