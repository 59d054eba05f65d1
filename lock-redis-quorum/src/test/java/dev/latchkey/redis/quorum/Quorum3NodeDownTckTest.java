package dev.latchkey.redis.quorum;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;

/** redis-quorum over 3 nodes (Jedis) with one node killed before the first rule and down for the whole run. Report in target/lock-tck/. */
class Quorum3NodeDownTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "jedis", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.NODE_DOWN);
    }
}
