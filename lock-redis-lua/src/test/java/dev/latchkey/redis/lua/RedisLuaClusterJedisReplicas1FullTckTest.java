package dev.latchkey.redis.lua;

import java.util.List;
import org.junit.jupiter.api.Tag;

/** The {@link HaRow#FULL} rules of {@link RedisLuaClusterJedisReplicas1TckTest}'s row, in the soak profile. */
@Tag("soak")
class RedisLuaClusterJedisReplicas1FullTckTest extends RedisLuaClusterJedisReplicas1TckTest {
    @Override
    protected List<String> selectedRules() {
        return HaRow.FULL;
    }
}
