package dev.latchkey.redis.tck.redisson;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;
import java.util.List;

/**
 * Redisson's RLock characterised by the TCK against a real Redis as commonly deployed, without
 * persistence: its row of the matrix. Redisson reads no client clock of ours, so the TCK's skew does
 * not reach it (the report says so); crashes are child JVMs or the TCK's kill switch.
 */
class RedissonTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redisson RLock (Redis no persistence)", port -> "redisson://127.0.0.1:" + port, List.of());
    }
}
