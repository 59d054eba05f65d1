package dev.latchkey.redis.lua;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-lua over Lettuce; report in target/lock-tck/. */
class RedisLuaLettuceTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-lua (Lettuce)", port -> "redis-lua://127.0.0.1:" + port + "?client=lettuce&timeout=1s");
    }
}
