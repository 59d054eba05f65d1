package dev.latchkey.redis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.redis.RedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** This module's tests run without any client adapter: what a user sees who added none. */
class RedisPortsTest {

    private static IllegalArgumentException opening(String uri) {
        return assertThrows(IllegalArgumentException.class,
                () -> RedisPorts.open(RedisSettings.parse(URI.create(uri), Set.of(), Duration.ofSeconds(30))));
    }

    @Test
    void withoutAnyAdapter_theMessageNamesTheArtifactsToAdd() {
        String msg = opening("redis-lua://127.0.0.1:6379").getMessage();
        assertEquals("redis-lua needs a Redis client: add dev.latchkey:lock-redis-jedis (or dev.latchkey:lock-redis-lettuce)"
                + " to your dependencies; on the module path also 'requires dev.latchkey.redis.jedis;' (or"
                + " dev.latchkey.redis.lettuce)", msg);
        assertTrue(opening("redis-getset://127.0.0.1:6379?client=lettuce").getMessage().startsWith("redis-getset needs a Redis client"));
    }

    @Test
    void anUnknownClientName_isRejectedWhileParsing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.parse(URI.create("redis-lua://h?client=redisson"), Set.of(), Duration.ofSeconds(30)));
        assertEquals("option 'client' must be jedis or lettuce, was 'redisson'", e.getMessage());
    }

    @Test
    void aConnectionFromElsewhere_isRejected() {
        RedisConnection foreign = new RedisConnection() {
            @Override
            public String describe() {
                return "mine";
            }

            @Override
            public void close() {
            }
        };
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisPorts.of(foreign)).getMessage()
                .startsWith("connection must come from JedisClients.connection (lock-redis-jedis) or LettuceClients.connection"));
    }
}
