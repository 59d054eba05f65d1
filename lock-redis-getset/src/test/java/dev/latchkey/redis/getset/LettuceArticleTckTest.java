package dev.latchkey.redis.getset;

import dev.latchkey.redis.tck.RedisTckHarness;
import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;
import org.junit.jupiter.api.Tag;

/** The conformance kit against redis-getset with Lettuce, mode=article; the report goes to target/lock-tck. */
// The default build runs the Jedis rows of both modes; the same algorithm over Lettuce runs in the soak
// profile (./mvnw -Psoak verify), to keep the default build within its time budget.
@Tag("soak")
class LettuceArticleTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new RedisTckHarness("redis-getset (lettuce, mode=article)", port -> "redis-getset://127.0.0.1:" + port
                + "?client=lettuce&mode=article&timeout=1s&retry=30ms");
    }
}
