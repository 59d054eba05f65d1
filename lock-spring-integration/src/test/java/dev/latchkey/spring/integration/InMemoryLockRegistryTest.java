package dev.latchkey.spring.integration;

import dev.latchkey.LockClient;
import dev.latchkey.inmemory.InMemorySpace;
import java.time.Duration;

/** The registry contract on the in-memory reference backend. */
class InMemoryLockRegistryTest extends LockRegistryContract {
    private static final InMemorySpace SPACE = InMemorySpace.create();

    @Override
    LockClient newClient() {
        return SPACE.client(Duration.ofSeconds(30), false);
    }
}
