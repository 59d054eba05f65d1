package dev.latchkey.tck.junit;

import dev.latchkey.LockClient;
import dev.latchkey.inmemory.InMemorySpace;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Partition;
import dev.latchkey.tck.PartitionedClient;
import dev.latchkey.tck.TckHarness;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The in-memory backend through the abstract base, as a third party would plug in: every claimed
 * capability must PASS. Participants are opened in the TCK's environment, so client crashes, clock
 * skew and delayed replies come from the TCK; the space's own faults stand for the server's (pause,
 * restart keeping the locks) and the network's (a participant black-holed or cut off).
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

            @Override
            public Set<FaultKind> faults() {
                return EnumSet.of(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION);
            }

            @Override
            public void restartServer() {
                space.restart();
            }

            @Override
            public void pauseServer() {
                space.pause();
            }

            @Override
            public void resumeServer() {
                space.resume();
            }

            @Override
            public PartitionedClient newPartitionedClient() {
                LockClient client = newClient();
                return new PartitionedClient(client, Partition.of(() -> InMemorySpace.cut(client),
                        () -> InMemorySpace.blackhole(client), () -> InMemorySpace.restore(client)));
            }
        };
    }
}
