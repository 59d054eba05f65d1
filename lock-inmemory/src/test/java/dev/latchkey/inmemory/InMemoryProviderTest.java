package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Discovery through ServiceLoader, URI handling and argument checks of the {@code inmemory:} scheme. */
class InMemoryProviderTest {

    private static void assertRejected(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(argument), () -> "message should name '" + argument + "': " + e.getMessage());
    }

    @Test
    void openFindsTheProviderThroughServiceLoader() throws Exception {
        assertTrue(ServiceLoader.load(LockProvider.class).stream().anyMatch(p -> p.type() == InMemoryLockProvider.class),
                "META-INF/services registers the provider");
        assertInstanceOf(InMemoryLockProvider.class, Locks.provider("inmemory"));
        try (LockClient a = Locks.open("inmemory:"); LockClient b = Locks.open("inmemory:default")) {
            assertEquals("inmemory (fair)", a.describe());
            assertEquals(EnumSet.complementOf(EnumSet.of(Capability.FAILOVER_SAFE)), a.capabilities());
            // 'inmemory:' is the JVM-wide default space: a second participant on it contends.
            try (Lease lease = a.lock("provider-test-default").acquire()) {
                assertTrue(b.lock("provider-test-default").tryAcquire().isEmpty());
                assertTrue(lease.remaining().compareTo(InMemoryLockProvider.DEFAULT_LEASE) <= 0);
                assertTrue(lease.remaining().compareTo(InMemoryLockProvider.DEFAULT_LEASE.minusSeconds(5)) > 0);
            }
            assertTrue(b.lock("provider-test-default").tryAcquire().isPresent());
        }
    }

    @Test
    void providersListsInMemoryWithItsCapabilities() {
        List<LockProvider> all = Locks.providers();
        LockProvider p = all.stream().filter(x -> x.scheme().equals("inmemory")).findFirst().orElseThrow();
        assertEquals(EnumSet.complementOf(EnumSet.of(Capability.FAILOVER_SAFE)), p.capabilities());
        assertTrue(p.description().contains("lease") && p.description().contains("fair"), p.description());
    }

    @Test
    void unknownSchemeFailsListingTheSchemesFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open("memcached://127.0.0.1:11211"));
        assertTrue(e.getMessage().contains("scheme 'memcached'"), e.getMessage());
        assertTrue(e.getMessage().contains("schemes found: ") && e.getMessage().contains("inmemory"), e.getMessage());
    }

    @Test
    void malformedUriFailsNamingTheUri() {
        assertRejected("malformed uri", () -> Locks.open("inmemory:space with spaces"));
        assertRejected("uri", () -> Locks.open("inmemory"));
        assertRejected("uri", () -> Locks.open(""));
        assertRejected("uri", () -> Locks.open((String) null));
    }

    @Test
    void unknownOptionFailsListingTheKnownOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open("inmemory:?leese=5s"));
        assertTrue(e.getMessage().contains("unknown option 'leese'"), e.getMessage());
        assertTrue(e.getMessage().contains("known options: fair, lease"), e.getMessage());
    }

    @Test
    void badOptionValuesFailNamingTheOption() {
        assertRejected("option 'lease'", () -> Locks.open("inmemory:?lease=soon"));
        assertRejected("option 'lease'", () -> Locks.open("inmemory:?lease=10"));
        assertRejected("option 'fair'", () -> Locks.open("inmemory:?fair=perhaps"));
        assertRejected("lease", () -> Locks.open("inmemory:?lease=0s"));
        assertRejected("lease", () -> Locks.open("inmemory:?lease=2d"));
    }

    @Test
    void optionsAndNamedSpacesAreApplied() throws Exception {
        try (LockClient unfair = Locks.open("inmemory:provider-test-a?lease=5s&fair=false");
             LockClient sameSpace = Locks.open("inmemory:provider-test-a");
             LockClient otherSpace = Locks.open("inmemory:provider-test-b")) {
            assertEquals("inmemory", unfair.describe());
            assertFalse(unfair.capabilities().contains(Capability.FAIR));
            Lease lease = unfair.lock("n").acquire();
            assertTrue(lease.remaining().compareTo(Duration.ofSeconds(5)) <= 0, lease.remaining().toString());
            assertTrue(lease.remaining().compareTo(Duration.ofSeconds(4)) > 0, lease.remaining().toString());
            assertTrue(sameSpace.lock("n").tryAcquire().isEmpty(), "same named space: contends");
            assertTrue(otherSpace.lock("n").tryAcquire().isPresent(), "other space: independent");
            lease.release();
        }
    }

    @Test
    void everyArgumentCheckNamesTheArgument() {
        try (LockClient client = InMemorySpace.create().client(Duration.ofSeconds(30), true)) {
            assertRejected("name", () -> client.lock(null));
            assertRejected("name", () -> client.lock(""));
            assertRejected("name", () -> client.lock(" \t "));
            assertRejected("name", () -> client.lock("n".repeat(Locks.MAX_NAME_BYTES + 1)));
            // 300 chars, but 600 bytes in UTF-8
            assertRejected("name", () -> client.lock("ж".repeat(300)));
            assertEquals(256, client.lock("ж".repeat(256)).name().length());
            DistributedLock lock = client.lock("args");
            assertRejected("lease", () -> lock.acquire(Duration.ZERO));
            assertRejected("lease", () -> lock.acquire(Duration.ofMillis(-10)));
            assertRejected("lease", () -> lock.acquire(Locks.MAX_LEASE.plusMillis(1)));
            assertRejected("lease", () -> lock.acquire((Duration) null));
            assertRejected("wait", () -> lock.tryAcquire(Duration.ofMillis(-1), Duration.ofSeconds(1)));
            assertRejected("wait", () -> lock.tryAcquire(null, Duration.ofSeconds(1)));
            assertRejected("lease", () -> lock.tryAcquire(Duration.ZERO, null));
            assertRejected("wait", () -> lock.acquireAsync(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
            assertRejected("lease", () -> lock.acquireAsync(Duration.ZERO, Duration.ZERO));
            assertRejected("lease", () -> InMemorySpace.create().client(Duration.ZERO, true));
            assertTrue(client.inspect("args").orElseThrow().fencingToken() == 0, "no rejected call reached the table");
        }
    }
}
