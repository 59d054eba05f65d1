package dev.latchkey.redis.quorum;

import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;

/** The conformance kit against redis-quorum over 5 nodes (Lettuce); faults on two nodes, restarted with AOF. Report in target/lock-tck/. */
class Quorum5LettuceTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(5, "lettuce", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.NONE);
    }
}
