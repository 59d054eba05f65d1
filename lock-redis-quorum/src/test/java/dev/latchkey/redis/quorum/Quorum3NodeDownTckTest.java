package dev.latchkey.redis.quorum;

import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.junit.LockTck;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * redis-quorum over 3 nodes (Jedis) with one node killed before the first rule and down for the whole run. It runs
 * every rule but those that restart or pause a server: with one node of three down, a second faulty node would be a
 * majority, so this row cannot inject them, and the minority-restart rows run them. Report in target/lock-tck/.
 */
// In the soak profile (./mvnw -Psoak verify): the default build runs the 3-node and 5-node rows with
// minority restart, pause and partition, within its time budget.
@Tag("soak")
class Quorum3NodeDownTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return new QuorumHarness(3, "jedis", QuorumHarness.Restart.MINORITY_PERSISTENT, QuorumHarness.Background.NODE_DOWN);
    }

    @Override
    protected List<String> selectedRules() {
        return Rule.idsWithout(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE);
    }
}
