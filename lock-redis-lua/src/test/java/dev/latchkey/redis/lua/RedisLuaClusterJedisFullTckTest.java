package dev.latchkey.redis.lua;

import java.util.List;
import org.junit.jupiter.api.Tag;

/** Every rule of {@link RedisLuaClusterJedisTckTest}'s row, in the soak profile. */
@Tag("soak")
class RedisLuaClusterJedisFullTckTest extends RedisLuaClusterJedisTckTest {
    @Override
    protected List<String> selectedRules() {
        return List.of();
    }
}
