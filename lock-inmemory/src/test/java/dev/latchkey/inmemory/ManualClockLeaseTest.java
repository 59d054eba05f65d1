package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.LockLostException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lease expiry, takeover, fencing and owner safety on the manual clock: no test here sleeps. */
class ManualClockLeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration MS = Duration.ofMillis(1);

    private final InMemorySpace space = InMemorySpace.withManualClock();
    private final LockClient a = space.client(LEASE, true);
    private final LockClient b = space.client(LEASE, true);

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private LockInfo info(String name) {
        return b.inspect(name).orElseThrow();
    }

    @Test
    void leaseExpiresExactlyAtItsEndAndAnotherParticipantTakesOver() {
        Lease first = a.lock("x").tryAcquire().orElseThrow();
        assertTrue(b.lock("x").tryAcquire().isEmpty());
        space.advance(LEASE.minus(MS));
        assertTrue(first.isValid());
        assertEquals(MS, first.remaining());
        assertTrue(b.lock("x").tryAcquire().isEmpty(), "still held 1 ms before the end");
        space.advance(MS);
        assertFalse(first.isValid());
        assertEquals(Duration.ZERO, first.remaining());
        Lease second = b.lock("x").tryAcquire().orElseThrow();
        assertTrue(second.fencingToken() > first.fencingToken());
        assertTrue(info("x").isHeld());
    }

    @Test
    void anExpiredAndTakenOverLeaseCannotReleaseOrExtendTheNewHold() {
        Lease stale = a.lock("owner").tryAcquire().orElseThrow();
        space.advance(LEASE);
        Lease fresh = b.lock("owner").tryAcquire().orElseThrow();
        space.advance(Duration.ofSeconds(4));

        LockLostException lost = assertThrows(LockLostException.class, stale::release);
        assertEquals("owner", lost.lockName());
        assertSame(lost, assertThrows(LockLostException.class, stale::release), "a retry reports the same loss");
        assertThrows(LockLostException.class, () -> stale.extend(Duration.ofHours(1)));

        assertTrue(fresh.isValid());
        LockInfo now = info("owner");
        assertTrue(now.isHeld());
        assertEquals(fresh.fencingToken(), now.fencingToken());
        assertEquals(Duration.ofSeconds(6), now.remaining(), "the stale extend did not prolong the new hold");
        assertTrue(a.lock("owner").tryAcquire().isEmpty());

        assertEquals(ReleaseOutcome.RELEASED, fresh.release());
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, fresh.release());
        assertFalse(info("owner").isHeld());
    }

    @Test
    void aReleasedLeaseCannotReleaseOrExtendTheNextHolder() {
        Lease old = a.lock("rel").tryAcquire().orElseThrow();
        assertEquals(ReleaseOutcome.RELEASED, old.release());
        Lease next = b.lock("rel").tryAcquire().orElseThrow();
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, old.release());
        assertThrows(IllegalStateException.class, () -> old.extend(Duration.ofHours(1)));
        assertTrue(next.isValid());
        assertEquals(LEASE, info("rel").remaining());
        assertTrue(a.lock("rel").tryAcquire().isEmpty());
    }

    @Test
    void expiredButNotTakenOverLeaseStillCannotRelease() {
        Lease lease = a.lock("lapsed").tryAcquire().orElseThrow();
        space.advance(LEASE.plusSeconds(1));
        assertThrows(LockLostException.class, lease::release);
        assertFalse(info("lapsed").isHeld());
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossReleaseExpiryTakeoverAndForceRelease() {
        List<Long> tokens = new ArrayList<>();
        Lease l = a.lock("fence").tryAcquire().orElseThrow();
        tokens.add(l.fencingToken());
        l.release();                                         // release
        l = b.lock("fence").tryAcquire().orElseThrow();
        tokens.add(l.fencingToken());
        space.advance(LEASE);                                // expiry, then takeover by the other participant
        l = a.lock("fence").tryAcquire().orElseThrow();
        tokens.add(l.fencingToken());
        space.advance(LEASE.plusSeconds(3));                 // expiry, then the same participant again
        l = a.lock("fence").tryAcquire().orElseThrow();
        tokens.add(l.fencingToken());
        assertTrue(b.forceRelease("fence"));                 // operator frees it
        l = b.lock("fence").tryAcquire().orElseThrow();
        tokens.add(l.fencingToken());
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), "tokens " + tokens);
        }
        assertTrue(tokens.get(0) > 0, "a real token, not NO_FENCING_TOKEN");
        assertEquals(l.fencingToken(), info("fence").fencingToken());
    }

    @Test
    void extendKeepsTheHoldOnTheManualClock() {
        Lease lease = a.lock("ext").tryAcquire().orElseThrow();
        space.advance(Duration.ofSeconds(9));
        lease.extend(Duration.ofSeconds(10));
        space.advance(Duration.ofSeconds(9));
        assertTrue(lease.isValid());
        assertTrue(b.lock("ext").tryAcquire().isEmpty());
        assertEquals(Duration.ofSeconds(1), info("ext").remaining());
        space.advance(Duration.ofSeconds(1));
        assertTrue(b.lock("ext").tryAcquire().isPresent());
        assertThrows(LockLostException.class, () -> lease.extend(LEASE));
    }

    @Test
    void onLostRegisteredAfterTheDeadlineRunsAtOnceOnTheCallerThread() {
        Lease lease = a.lock("lost-now").tryAcquire().orElseThrow();
        space.advance(LEASE);
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        lease.onLost(e -> ranOn.add(Thread.currentThread()));
        assertEquals(List.of(Thread.currentThread()), ranOn);
        lease.onLost(e -> ranOn.add(Thread.currentThread()));
        assertEquals(2, ranOn.size());
        assertThrows(LockLostException.class, lease::release);
    }

    @Test
    void aBlockedWaiterTakesOverWhenTheClockPassesTheLease() throws Exception {
        Lease held = a.lock("wait").tryAcquire().orElseThrow();
        CompletableFuture<Lease> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return b.lock("wait").acquire(Duration.ofSeconds(30), LEASE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Timing.awaitWaiters(b, "wait", 1);
        space.advance(LEASE.minus(MS));
        assertEquals(1, info("wait").waiters(), "woken by the clock, but the lease has not run out yet");
        assertFalse(waiter.isDone());
        space.advance(MS);
        Lease taken = waiter.get(Timing.scaledMillis(5_000), TimeUnit.MILLISECONDS);
        assertTrue(taken.fencingToken() > held.fencingToken());
        assertThrows(LockLostException.class, held::release);
        assertEquals(0, info("wait").waiters());
    }

    @Test
    void aCrashedParticipantLosesItsHoldOnlyAfterTheLease() {
        Lease doomed = a.lock("crash").tryAcquire().orElseThrow();
        InMemorySpace.crash(a);
        assertTrue(info("crash").isHeld(), "a crash releases nothing");
        assertTrue(b.lock("crash").tryAcquire().isEmpty());
        space.advance(LEASE.minus(MS));
        assertTrue(b.lock("crash").tryAcquire().isEmpty(), "held until the very end of the lease");
        space.advance(MS);
        Lease after = b.lock("crash").tryAcquire().orElseThrow();
        assertTrue(after.fencingToken() > doomed.fencingToken());
        assertThrows(IllegalStateException.class, () -> a.lock("crash"), "the crashed client is closed");
        assertThrows(LockUnavailableException.class, doomed::release, "the dead process cannot reach the backend");
        assertTrue(after.isValid());
        assertThrows(IllegalArgumentException.class, () -> InMemorySpace.crash(new NotInMemory()));
    }

    @Test
    void inspectAndForceRelease() throws Exception {
        LockInfo free = info("ops");
        assertEquals(new LockInfo("ops", null, 0, Duration.ZERO, 0), free);
        Lease lease = a.lock("ops").tryAcquire().orElseThrow();
        space.advance(Duration.ofSeconds(3));
        LockInfo held = info("ops");
        assertNotNull(held.holder());
        assertEquals(lease.fencingToken(), held.fencingToken());
        assertEquals(Duration.ofSeconds(7), held.remaining());
        assertEquals(0, held.waiters());

        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        lease.onLost(lost::add);
        assertTrue(b.forceRelease("ops"));
        assertFalse(b.forceRelease("ops"), "nothing left to remove");
        assertFalse(b.forceRelease("never-used"));
        assertNull(info("ops").holder());
        assertThrows(LockLostException.class, () -> lease.extend(LEASE));
        assertEquals(1, lost.size(), "the former holder learns of the loss");
        assertThrows(LockLostException.class, lease::release);
        assertTrue(b.lock("ops").tryAcquire().isPresent());
    }

    @Test
    void advanceIsOnlyForwardAndOnlyOnManualSpaces() {
        assertThrows(IllegalArgumentException.class, () -> space.advance(Duration.ofMillis(-1)));
        assertThrows(IllegalStateException.class, () -> InMemorySpace.create().advance(MS));
    }

    /** A client that is not in-memory, for the crash argument check. */
    private static final class NotInMemory implements LockClient {
        @Override
        public dev.latchkey.DistributedLock lock(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Set<dev.latchkey.Capability> capabilities() {
            return java.util.Set.of();
        }

        @Override
        public String describe() {
            return "not in-memory";
        }

        @Override
        public void close() {
        }
    }
}
