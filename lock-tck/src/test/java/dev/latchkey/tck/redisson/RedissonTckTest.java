package dev.latchkey.tck.redisson;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** Redisson's RLock characterised by the TCK against a real Redis: its row of the matrix. */
class RedissonTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedissonHarness(false);
    }
}
