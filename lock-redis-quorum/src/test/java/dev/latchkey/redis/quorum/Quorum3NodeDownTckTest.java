package dev.latchkey.redis.quorum;

import dev.latchkey.tck.junit.LockTck;
import dev.latchkey.tck.TckHarness;
import org.junit.jupiter.api.Tag;

/** redis-quorum over 3 nodes (Jedis) with one node killed before the first rule and down for the whole run. Report in target/lock-tck/. */
// In the soak profile (./mvnw -Psoak verify): the default build runs the 3-node and 5-node rows with
// minority restart, pause and partition, within its time budget.
@Tag("soak")
class Quorum3NodeDownTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "jedis", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.NODE_DOWN);
    }
}
