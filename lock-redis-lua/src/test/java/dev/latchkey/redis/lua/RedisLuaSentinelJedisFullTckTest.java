package dev.latchkey.redis.lua;

import java.util.List;
import org.junit.jupiter.api.Tag;

/** Every rule of {@link RedisLuaSentinelJedisTckTest}'s row, in the soak profile. */
@Tag("soak")
class RedisLuaSentinelJedisFullTckTest extends RedisLuaSentinelJedisTckTest {
    @Override
    protected List<String> selectedRules() {
        return List.of();
    }
}
