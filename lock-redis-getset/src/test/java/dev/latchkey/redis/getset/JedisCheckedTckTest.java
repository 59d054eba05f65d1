package dev.latchkey.redis.getset;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-getset with Jedis, mode=checked; the report goes to target/lock-tck. */
class JedisCheckedTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-getset (jedis, mode=checked)", port -> "redis-getset://127.0.0.1:" + port
                + "?client=jedis&mode=checked&timeout=1s&retry=30ms");
    }
}
