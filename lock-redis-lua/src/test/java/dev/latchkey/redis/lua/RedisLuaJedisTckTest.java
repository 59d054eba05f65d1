package dev.latchkey.redis.lua;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-lua over Jedis; report in target/lock-tck/. */
class RedisLuaJedisTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-lua (Jedis)", port -> "redis-lua://127.0.0.1:" + port + "?client=jedis&timeout=1s");
    }
}
