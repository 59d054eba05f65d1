package dev.latchkey.redis.lua;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-lua over Lettuce; report in target/lock-tck/. */
class RedisLuaLettuceTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisLuaHarness("lettuce", false);
    }
}
