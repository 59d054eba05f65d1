package dev.latchkey.redis.lua;

import java.util.List;
import org.junit.jupiter.api.Tag;

/** The {@link HaRow#FULL} rules of {@link RedisLuaClusterJedisTckTest}'s row, in the soak profile. */
@Tag("soak")
class RedisLuaClusterJedisFullTckTest extends RedisLuaClusterJedisTckTest {
    @Override
    protected List<String> selectedRules() {
        return HaRow.FULL;
    }
}
