package dev.latchkey.redis.getset;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Lettuce, mode=checked; the report goes to target/lock-tck. */
class LettuceCheckedTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new GetSetHarness("lettuce", "checked");
    }
}
