package dev.latchkey.redis.lua;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-lua over Jedis; report in target/lock-tck/. */
class RedisLuaJedisTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisLuaHarness("jedis", false);
    }
}
