package dev.latchkey.redis.getset;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Jedis, mode=checked; the report goes to target/lock-tck. */
class JedisCheckedTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new GetSetHarness("jedis", "checked");
    }
}
