package dev.latchkey.redis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisServersTest {

    @Test
    void absentSettingMeansNoExternalServer() {
        assertEquals(Optional.empty(), RedisServers.external(null));
    }

    @Test
    void acceptsRedisUris() {
        assertEquals(Optional.of("redis://10.0.0.5:6380"), RedisServers.external("redis://10.0.0.5:6380"));
        assertEquals(Optional.of("rediss://user:pw@cache:6379/2"), RedisServers.external("rediss://user:pw@cache:6379/2"));
    }

    @Test
    void withoutAnImageAProcessIsStarted() {
        try (RedisInstance redis = RedisServers.start(null)) {
            assertInstanceOf(RedisServer.class, redis);
            assertEquals("PONG", redis.call("PING"));
        }
        if (RedisServers.setting(RedisServers.IMAGE_SETTING) == null) {
            assertSame(RedisServer.shared(), RedisServers.shared());
        }
    }

    @Test
    void withAnImageButNoContainerEngineTheFailureSaysWhatToDo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RedisContainer.start("valkey/valkey:8", () -> false));
        assertTrue(e.getMessage().startsWith("LATCHKEY_REDIS_IMAGE=valkey/valkey:8 asks for Redis in a container, "
                + "but Testcontainers reaches no container engine"), e.getMessage());
        assertTrue(e.getMessage().contains("DOCKER_HOST"), e.getMessage());
        assertTrue(e.getMessage().contains("unset LATCHKEY_REDIS_IMAGE"), e.getMessage());
    }

    @Test
    void rejectsAnythingElseNamingTheSetting() {
        for (String bad : new String[] {"localhost:6379", "http://localhost:6379", "redis://", "redis:// bad"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisServers.external(bad), bad);
            assertTrue(e.getMessage().startsWith(RedisServers.URL_SETTING), e.getMessage());
        }
    }
}
