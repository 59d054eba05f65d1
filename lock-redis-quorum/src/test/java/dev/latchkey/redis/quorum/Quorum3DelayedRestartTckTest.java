package dev.latchkey.redis.quorum;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** redis-quorum over 3 nodes (Lettuce) without persistence: the faulty node restarts empty, but only after the delayed-restart rule (it stays down until every hold it had has expired). Report in target/lock-tck/. */
class Quorum3DelayedRestartTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "lettuce", QuorumHarness.Restart.MINORITY_EMPTY_DELAYED, QuorumHarness.Background.NONE);
    }
}
