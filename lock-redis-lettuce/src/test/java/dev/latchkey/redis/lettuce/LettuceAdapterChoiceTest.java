package dev.latchkey.redis.lettuce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** This module's tests see one adapter, lettuce: it is the default, and asking for the other names its artifact. */
class LettuceAdapterChoiceTest {
    private static final RedisServer server = RedisServer.shared();

    private static RedisSettings settings(String options) {
        return RedisSettings.parse(URI.create("redis-lua://127.0.0.1:" + server.port() + options), Set.of(), Duration.ofSeconds(30));
    }

    @Test
    void withoutAClientOption_theOnlyAdapterPresentIsUsed() {
        try (RedisPort port = RedisPorts.open(settings(""))) {
            assertEquals("lettuce 127.0.0.1:" + server.port() + "/0", port.describe());
        }
    }

    @Test
    void askingForAnAbsentAdapter_namesItsArtifact() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisPorts.open(settings("?client=jedis")));
        assertTrue(e.getMessage().startsWith("redis-lua client=jedis needs dev.latchkey:lock-redis-jedis in your dependencies"), e.getMessage());
        assertTrue(e.getMessage().endsWith("client adapters present: lettuce"), e.getMessage());
    }
}
