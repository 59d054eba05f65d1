package dev.latchkey.redis.lua;

import java.util.List;
import org.junit.jupiter.api.Tag;

/** The {@link HaRow#FULL} rules of {@link RedisLuaSentinelJedisTckTest}'s row, in the soak profile. */
@Tag("soak")
class RedisLuaSentinelJedisFullTckTest extends RedisLuaSentinelJedisTckTest {
    @Override
    protected List<String> selectedRules() {
        return HaRow.FULL;
    }
}
