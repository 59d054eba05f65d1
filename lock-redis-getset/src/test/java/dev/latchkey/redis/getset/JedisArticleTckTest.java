package dev.latchkey.redis.getset;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Jedis, mode=article; the report goes to target/lock-tck. */
class JedisArticleTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new GetSetHarness("jedis", "article");
    }
}
