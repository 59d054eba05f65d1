package dev.latchkey.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Guards against a slow leak: leases that are never released must not pile up in a long-lived client. */
class AbandonedLeaseTest {

    @Test
    void leasesAbandonedPastTheirDeadlineAreForgottenButLiveOnesAreKept() {
        FakeDriver driver = new FakeDriver();
        try (EngineClient client = driver.client(Duration.ofSeconds(30))) {
            Lease kept = client.lock("kept").tryAcquire().orElseThrow();
            for (int i = 0; i < 1_000; i++) {
                client.lock("abandoned-" + i).tryAcquire().orElseThrow(); // never released
            }
            driver.advance(Duration.ofSeconds(10));
            kept.extend(Duration.ofMinutes(5)); // still ours, deadline in the future
            driver.advance(Duration.ofSeconds(25)); // the 1,000 are past their deadline, 'kept' is not
            for (int i = 0; i < 100; i++) {
                client.lock("fresh-" + i).tryAcquire().orElseThrow(); // crosses the 1,024th grant: a sweep
            }
            assertTrue(client.live.contains(kept), "a lease within its deadline must stay tracked");
            assertEquals(0, client.live.stream().filter(l -> l.name().startsWith("abandoned-")).count(),
                    "leases abandoned past their deadline are still tracked");
        }
    }
}
