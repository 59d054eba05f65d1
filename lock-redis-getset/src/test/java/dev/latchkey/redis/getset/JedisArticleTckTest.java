package dev.latchkey.redis.getset;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Jedis, mode=article; the report goes to target/lock-tck. */
class JedisArticleTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-getset (jedis, mode=article)", port -> "redis-getset://127.0.0.1:" + port
                + "?client=jedis&mode=article&timeout=1s&retry=30ms");
    }
}
