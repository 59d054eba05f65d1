package dev.latchkey.redis.lua;

import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.junit.LockTck;
import java.util.List;

/** The TCK on Cluster with replicas, Jedis, no acknowledgement: FO rules are probes. The default build runs {@link HaRow#QUICK}; the soak profile every rule. */
class RedisLuaClusterJedisTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return HaRow.CLUSTER_JEDIS.harness();
    }

    @Override
    protected List<String> selectedRules() {
        return HaRow.QUICK;
    }
}
