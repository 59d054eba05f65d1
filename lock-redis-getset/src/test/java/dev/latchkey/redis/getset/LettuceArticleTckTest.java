package dev.latchkey.redis.getset;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Lettuce, mode=article; the report goes to target/lock-tck. */
class LettuceArticleTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new GetSetHarness("lettuce", "article");
    }
}
