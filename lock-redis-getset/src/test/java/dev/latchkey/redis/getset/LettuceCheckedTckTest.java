package dev.latchkey.redis.getset;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Lettuce, mode=checked; the report goes to target/lock-tck. */
class LettuceCheckedTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-getset (lettuce, mode=checked)", port -> "redis-getset://127.0.0.1:" + port
                + "?client=lettuce&mode=checked&timeout=1s&retry=30ms");
    }
}
