package dev.latchkey.redis.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The soak run, short: 2,000 acquisitions of one lock over 3 nodes under random minority faults. See {@link SoakTest}. */
class ShortSoakTest {
    @Test
    void twoThousandAcquisitions_underRandomMinorityFaults_noOverlap_strictlyIncreasingTokens() throws Exception {
        SoakRun.Result r = new SoakRun(3, 2_000, 42).run(4, Duration.ofSeconds(1), true);
        System.out.println("[soak] quorum-3 short: " + r);
        assertTrue(r.overlaps().isEmpty(), "overlapping holds: " + r.overlaps());
        assertTrue(r.tokenInversions().isEmpty(), "fencing tokens out of hold order: " + r.tokenInversions());
        assertTrue(r.faults().values().stream().mapToInt(Integer::intValue).sum() >= 3, "faults injected: " + r.faults());
        assertEquals(2_000, r.acquisitions());
    }
}
