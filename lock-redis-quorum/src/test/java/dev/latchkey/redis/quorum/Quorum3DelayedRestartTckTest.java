package dev.latchkey.redis.quorum;

import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;
import org.junit.jupiter.api.Tag;

/** redis-quorum over 3 nodes (Lettuce) without persistence: the faulty node restarts empty, but only after the delayed-restart rule (it stays down until every hold it had has expired). Report in target/lock-tck/. */
// In the soak profile (./mvnw -Psoak verify): the default build runs the 3-node and 5-node rows with
// minority restart, pause and partition, within its time budget.
@Tag("soak")
class Quorum3DelayedRestartTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "lettuce", QuorumHarness.Restart.MINORITY_EMPTY_DELAYED, QuorumHarness.Background.NONE);
    }
}
