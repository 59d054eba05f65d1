package dev.latchkey.redis.tck.redisson;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** Redisson's RFencedLock characterised by the TCK against a real Redis: its row of the matrix. */
class RedissonFencedTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redisson RFencedLock (Redis AOF always)", port -> "redisson://127.0.0.1:" + port + "?fenced=true", RedisTckHarness.DURABLE);
    }
}
