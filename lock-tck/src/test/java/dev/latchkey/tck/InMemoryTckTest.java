package dev.latchkey.tck;

import dev.latchkey.LockClient;
import dev.latchkey.inmemory.InMemorySpace;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The in-memory backend through the abstract base, as a third party would plug in: every claimed
 * capability must PASS. The harness crashes a client in-process ({@link InMemorySpace#crash}), and
 * hands out "skewed" participants as plain ones, truthfully: the backend reads no wall clock.
 * It has no server to restart or pause and no network to partition, so those rules are skipped.
 */
class InMemoryTckTest extends LockTck {

    @Override
    protected TckHarness harness() {
        InMemorySpace space = InMemorySpace.create();
        return new TckHarness() {
            @Override
            public String label() {
                return "inmemory";
            }

            @Override
            public LockClient newClient() {
                return space.client(Duration.ofSeconds(30), true);
            }

            @Override
            public Set<FaultKind> faults() {
                return EnumSet.of(FaultKind.CLIENT_CRASH, FaultKind.CLOCK_SKEW);
            }

            @Override
            public void crash(LockClient client) {
                InMemorySpace.crash(client);
            }

            @Override
            public LockClient newClient(Duration skew) {
                return newClient();
            }
        };
    }
}
