package dev.latchkey.redis.getset;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Lettuce, mode=article; the report goes to target/lock-tck. */
class LettuceArticleTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-getset (lettuce, mode=article)", port -> "redis-getset://127.0.0.1:" + port
                + "?client=lettuce&mode=article&timeout=1s&retry=30ms");
    }
}
