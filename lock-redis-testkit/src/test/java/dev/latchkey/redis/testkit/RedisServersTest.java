package dev.latchkey.redis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void rejectsAnythingElseNamingTheSetting() {
        for (String bad : new String[] {"localhost:6379", "http://localhost:6379", "redis://", "redis:// bad"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisServers.external(bad), bad);
            assertTrue(e.getMessage().startsWith(RedisServers.URL_SETTING), e.getMessage());
        }
    }
}
