package dev.latchkey.redis.lua;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;
import org.junit.jupiter.api.Tag;

/**
 * The conformance kit against redis-lua in fair mode over Jedis (which also declares FAIR); report in
 * target/lock-tck/. In the soak profile ({@code ./mvnw -Psoak verify}) to keep the default build short;
 * {@link FairTest} covers fair mode in every build.
 */
@Tag("soak")
class RedisLuaFairJedisTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-lua fair (Jedis)", port -> "redis-lua://127.0.0.1:" + port + "?client=jedis&timeout=1s&fair=true");
    }
}
