package dev.latchkey.shedlock;

import dev.latchkey.LockClient;
import dev.latchkey.inmemory.InMemorySpace;
import java.time.Duration;

/** The ShedLock contract on the in-memory reference backend. */
class InMemoryLockProviderTest extends LockProviderContract {
    private static final InMemorySpace SPACE = InMemorySpace.create();

    @Override
    LockClient newClient() {
        return SPACE.client(Duration.ofSeconds(30), false);
    }
}
