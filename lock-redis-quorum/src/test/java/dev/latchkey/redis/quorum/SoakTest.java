package dev.latchkey.redis.quorum;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The soak run: 100,000 acquisitions of one lock by four clients (two threads each) under random
 * minority faults (kill and restart with AOF, SIGSTOP, cut, black hole, slow link), on 3 and on 5 nodes.
 * Zero overlapping holds, strictly increasing tokens. Runs only with {@code ./mvnw -Psoak verify}.
 */
@Tag("soak")
class SoakTest {
    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void hundredThousandAcquisitions_underRandomMinorityFaults_noOverlap_strictlyIncreasingTokens(int nodes) throws Exception {
        SoakRun.Result r = new SoakRun(nodes, 100_000, 7L * nodes).run(4, Duration.ofSeconds(1), true);
        System.out.println("[soak] quorum-" + nodes + ": " + r);
        assertTrue(r.overlaps().isEmpty(), "overlapping holds: " + r.overlaps());
        assertTrue(r.tokenInversions().isEmpty(), "fencing tokens out of hold order: " + r.tokenInversions());
    }
}
