package dev.latchkey.redis.quorum;

import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;
import org.junit.jupiter.api.Tag;

/** redis-quorum over 3 nodes (Lettuce) where every participant's link to one node is slow (a delaying TCP proxy); faults on that node, restarted with AOF. Report in target/lock-tck/. */
// In the soak profile (./mvnw -Psoak verify): the default build runs the 3-node and 5-node rows with
// minority restart, pause and partition, within its time budget.
@Tag("soak")
class Quorum3SlowLinkTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "lettuce", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.SLOW_LINK);
    }
}
