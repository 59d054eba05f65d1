package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The space's server and network faults, as a caller sees them. */
class SpaceFaultsTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private final InMemorySpace space = InMemorySpace.create();

    private static CompletableFuture<Optional<Lease>> tryAcquire(LockClient client, String name, Duration wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.lock(name).tryAcquire(wait, LEASE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void assertStillWaiting(CompletableFuture<?> call) throws InterruptedException {
        Thread.sleep(Timing.scaledMillis(200));
        assertFalse(call.isDone(), "the call returned although its reply could not arrive: " + call);
    }

    private static void assertFailsUnavailable(CompletableFuture<?> call) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(Timing.scaledMillis(5_000), TimeUnit.MILLISECONDS));
        assertTrue(e.getCause() instanceof LockUnavailableException, e.getCause()::toString);
    }

    @Test
    void aPausedServerServesButHoldsEveryReplyUntilItResumes() throws Exception {
        try (LockClient a = space.client(LEASE, true); LockClient admin = space.client(LEASE, true)) {
            space.pause();
            CompletableFuture<Optional<Lease>> acquiring = tryAcquire(a, "p", Duration.ZERO);
            try {
                assertStillWaiting(acquiring);
            } finally {
                space.resume();
            }
            Lease lease = acquiring.get(Timing.scaledMillis(5_000), TimeUnit.MILLISECONDS).orElseThrow();
            assertEquals(lease.fencingToken(), admin.inspect("p").orElseThrow().fencingToken());
        }
    }

    @Test
    void aRestartFailsTheCallsUnderWayAndKeepsTheLocks() throws Exception {
        try (LockClient holder = space.client(LEASE, true); LockClient waiter = space.client(LEASE, true)) {
            Lease held = holder.lock("r").acquire(LEASE);
            CompletableFuture<Optional<Lease>> waiting = tryAcquire(waiter, "r", Duration.ofSeconds(60));
            Timing.awaitWaiters(holder, "r", 1);
            space.restart();
            assertFailsUnavailable(waiting);
            assertEquals(held.fencingToken(), holder.inspect("r").orElseThrow().fencingToken());
            assertNotNull(holder.inspect("r").orElseThrow().holder(), "the restart lost the hold");
            assertTrue(waiter.lock("r").tryAcquire().isEmpty(), "the lock was free after the restart");
            held.release();
            assertTrue(waiter.lock("r").tryAcquire().orElseThrow().fencingToken() > held.fencingToken());
        }
    }

    @Test
    void aCutParticipantFailsAtOnceWaitsIncluded_untilRestored() throws Exception {
        try (LockClient holder = space.client(LEASE, true); LockClient cut = space.client(LEASE, true)) {
            Lease held = holder.lock("c").acquire(LEASE);
            CompletableFuture<Optional<Lease>> waiting = tryAcquire(cut, "c", Duration.ofSeconds(60));
            Timing.awaitWaiters(holder, "c", 1);
            InMemorySpace.cut(cut);
            assertFailsUnavailable(waiting);
            assertThrows(LockUnavailableException.class, () -> cut.lock("other").tryAcquire());
            held.release();
            assertNull(holder.inspect("c").orElseThrow().holder(), "the cut waiter was granted the lock");
            InMemorySpace.restore(cut);
            assertTrue(cut.lock("c").tryAcquire().isPresent(), "restored, the participant could not acquire a free lock");
        }
    }

    @Test
    void aBlackHoledRequestIsLostNotServed_andFailsOnceRestored() throws Exception {
        try (LockClient admin = space.client(LEASE, true); LockClient lost = space.client(LEASE, true)) {
            InMemorySpace.blackhole(lost);
            CompletableFuture<Optional<Lease>> acquiring = tryAcquire(lost, "b", Duration.ZERO);
            assertStillWaiting(acquiring);
            assertTrue(admin.inspect("b").map(i -> i.holder() == null).orElse(true), "a black-holed request was served");
            InMemorySpace.restore(lost);
            assertFailsUnavailable(acquiring);
            assertTrue(admin.inspect("b").map(i -> i.holder() == null).orElse(true), "a black-holed request was served late");
            assertTrue(lost.lock("b").tryAcquire().isPresent(), "restored, the participant could not acquire a free lock");
        }
    }
}
