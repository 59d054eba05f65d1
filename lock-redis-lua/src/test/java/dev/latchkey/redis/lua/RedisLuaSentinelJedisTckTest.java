package dev.latchkey.redis.lua;

import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.junit.LockTck;
import java.util.List;

/** The TCK on Sentinel, Jedis, no acknowledgement: FO rules are probes (FAILOVER_SAFE not declared). The default build runs {@link HaRow#QUICK}; the soak profile every rule. */
class RedisLuaSentinelJedisTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return HaRow.SENTINEL_JEDIS.harness();
    }

    @Override
    protected List<String> selectedRules() {
        return HaRow.QUICK;
    }
}
