package dev.latchkey.tck.junit;

import dev.latchkey.tck.TckHarness;

import dev.latchkey.LockClient;
import dev.latchkey.inmemory.InMemorySpace;
import dev.latchkey.spi.LockEnvironment;
import java.time.Duration;

/**
 * The in-memory backend through the abstract base, as a third party would plug in: every claimed
 * capability must PASS. Participants are opened in the TCK's environment, so client crashes, clock
 * skew and delayed replies come from the TCK. It has no server to restart or pause and no network to
 * partition, so those rules are skipped.
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
            public LockClient newClient(LockEnvironment env) {
                return space.client(Duration.ofSeconds(30), true, env);
            }
        };
    }
}
