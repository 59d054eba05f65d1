package dev.latchkey.redis.lua;

import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.junit.LockTck;
import java.util.List;

/** The TCK on Sentinel, Lettuce, replicas=1: declares FAILOVER_SAFE. The default build runs {@link HaRow#QUICK}; the soak profile every rule. */
class RedisLuaSentinelLettuceReplicas1TckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return HaRow.SENTINEL_LETTUCE_REPLICAS_1.harness();
    }

    @Override
    protected List<String> selectedRules() {
        return HaRow.QUICK;
    }
}
