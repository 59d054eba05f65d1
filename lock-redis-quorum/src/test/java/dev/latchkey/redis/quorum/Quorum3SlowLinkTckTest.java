package dev.latchkey.redis.quorum;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** redis-quorum over 3 nodes (Lettuce) where every participant's link to one node is slow (a delaying TCP proxy); faults on that node, restarted with AOF. Report in target/lock-tck/. */
class Quorum3SlowLinkTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "lettuce", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.SLOW_LINK);
    }
}
