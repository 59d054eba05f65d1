package dev.latchkey.redis.quorum;

import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-quorum over 3 nodes (Jedis); faults on one node, restarted with AOF. Report in target/lock-tck/. */
class Quorum3JedisTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "jedis", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.NONE);
    }
}
