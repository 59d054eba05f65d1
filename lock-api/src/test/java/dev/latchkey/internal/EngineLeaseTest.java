package dev.latchkey.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.spi.LockEngine;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The engine's lease state machine, bookkeeping and failure handling, on a scriptable driver. */
class EngineLeaseTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private FakeDriver driver = new FakeDriver();
    private EngineClient client = driver.client(LONG);

    @AfterEach
    void closeClient() {
        client.close();
    }

    private EngineClient clientOn(FakeDriver d) {
        client.close();
        driver = d;
        client = d.client(LONG);
        return client;
    }

    private static void assertRejected(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(argument), () -> "message should name '" + argument + "': " + e.getMessage());
    }

    @Test
    void everyEntryPointChecksItsArgumentsAtOnceWithoutCallingTheDriver() {
        assertRejected("name", () -> client.lock(null));
        assertRejected("name", () -> client.lock(""));
        assertRejected("name", () -> client.lock("  "));
        assertRejected("name", () -> client.lock("x".repeat(Locks.MAX_NAME_BYTES + 1)));
        assertRejected("name", () -> client.lock("ü".repeat(Locks.MAX_NAME_BYTES / 2 + 1)));
        assertRejected("name", () -> client.inspect(" "));
        assertRejected("name", () -> client.forceRelease(null));
        DistributedLock lock = client.lock("args");
        assertRejected("lease", () -> lock.acquire((Duration) null));
        assertRejected("lease", () -> lock.acquire(Duration.ZERO));
        assertRejected("lease", () -> lock.acquire(Duration.ofSeconds(-1)));
        assertRejected("lease", () -> lock.acquire(Locks.MAX_LEASE.plusMillis(1)));
        assertRejected("wait", () -> lock.acquire(Duration.ofMillis(-1), LONG));
        assertRejected("wait", () -> lock.acquire(null, LONG));
        assertRejected("lease", () -> lock.acquire(Duration.ZERO, null));
        assertRejected("wait", () -> lock.tryAcquire(Duration.ofNanos(-1), LONG));
        assertRejected("wait", () -> lock.tryAcquire(null, LONG));
        assertRejected("lease", () -> lock.tryAcquire(Duration.ZERO, Duration.ofMillis(-5)));
        assertRejected("wait", () -> lock.acquireAsync(Duration.ofSeconds(-1), LONG));
        assertRejected("wait", () -> lock.acquireAsync(null, LONG));
        assertRejected("lease", () -> lock.acquireAsync(Duration.ZERO, Duration.ZERO));
        assertRejected("lease", () -> lock.acquireAsync(Duration.ZERO, null));
        assertRejected("lease", () -> LockEngine.client(new FakeDriver(), Duration.ZERO));
        assertThrows(NullPointerException.class, () -> LockEngine.client(null, LONG));
        assertEquals(0, driver.acquireCalls.get());
        Lease lease = lock.tryAcquire().orElseThrow();
        assertRejected("lease", () -> lease.extend(Duration.ZERO));
        assertRejected("lease", () -> lease.extend(null));
        assertRejected("lease", () -> lease.extend(Locks.MAX_LEASE.plusSeconds(1)));
        assertRejected("listener", () -> lease.onLost(null));
        assertEquals(0, driver.extendCalls.get());
        assertTrue(lease.isValid());
    }

    @Test
    void releaseIsIdempotentAndEmptiesTheLiveSet() {
        Lease lease = client.lock("idem").tryAcquire().orElseThrow();
        assertEquals(1, client.live.size());
        assertEquals(ReleaseOutcome.RELEASED, lease.release());
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, lease.release());
        lease.close();
        assertEquals(1, driver.releaseCalls.get(), "a repeated release must not call the backend again");
        assertTrue(client.live.isEmpty());
        assertFalse(lease.isValid());
        assertEquals(Duration.ZERO, lease.remaining());
        assertThrows(IllegalStateException.class, () -> lease.extend(LONG));
    }

    /** Regression: a lost release reply at ticker reading 0 used to be forgotten (0 was the 'none' marker). */
    @Test
    void retriedReleaseAfterALostReplyIsAlreadyReleasedEvenAtClockZero() {
        assertEquals(0, driver.ticker().nanoTime());
        Lease lease = client.lock("lost-reply").tryAcquire().orElseThrow();
        driver.nextReleaseFailsApplied = true;
        assertThrows(LockUnavailableException.class, lease::release);
        assertNull(driver.holder("lost-reply"), "the first attempt did free it");
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, lease.release());
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, lease.release());
        assertTrue(client.live.isEmpty());
    }

    @Test
    void releaseThatNeverArrivedCanBeRetried() {
        Lease lease = client.lock("unreached").tryAcquire().orElseThrow();
        driver.nextReleaseFailsApplied = false;
        assertThrows(LockUnavailableException.class, lease::release);
        assertNotNull(driver.holder("unreached"));
        assertEquals(1, client.live.size(), "still possibly held: close must still try to release it");
        assertEquals(ReleaseOutcome.RELEASED, lease.release());
        assertNull(driver.holder("unreached"));
        assertTrue(client.live.isEmpty());
    }

    @Test
    void releaseAfterExpiryThrowsLockLostAndNeverFreesTheNewHolder() throws Exception {
        Lease first = client.lock("exp").acquire(Duration.ofSeconds(1));
        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        driver.advance(Duration.ofMillis(999));
        assertTrue(first.isValid());
        driver.advance(Duration.ofMillis(1));
        assertFalse(first.isValid(), "invalid exactly at the deadline");
        Lease second = client.lock("exp").tryAcquire().orElseThrow();
        assertTrue(second.fencingToken() > first.fencingToken());
        first.onLost(lost::add);
        assertEquals(1, lost.size(), "loss already known locally: the listener runs at once");
        LockLostException e = assertThrows(LockLostException.class, first::release);
        assertEquals("exp", e.lockName());
        assertSame(lost.get(0), e);
        assertThrows(LockLostException.class, () -> first.extend(LONG));
        assertTrue(second.isValid());
        assertEquals(((EngineLease) second).token(), driver.holder("exp"));
        assertEquals(List.of(second), List.copyOf(client.live));
        assertEquals(ReleaseOutcome.RELEASED, second.release());
    }

    @Test
    void extendMovesTheDeadlineOnlyWhileHeld() throws Exception {
        Lease lease = client.lock("ext").acquire(Duration.ofSeconds(1));
        driver.advance(Duration.ofMillis(800));
        lease.extend(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(5), lease.remaining());
        driver.advance(Duration.ofMillis(4_999));
        assertTrue(lease.isValid());
        driver.advance(Duration.ofMillis(1));
        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        lease.onLost(lost::add);
        assertEquals(1, lost.size());
        assertThrows(LockLostException.class, () -> lease.extend(LONG));
        assertTrue(client.live.isEmpty());
        assertNull(driver.holder("ext"));
    }

    @Test
    void extendFindingTheHoldGoneMarksLostAndNotifiesOnce() {
        Lease lease = client.lock("gone").tryAcquire().orElseThrow();
        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        lease.onLost(lost::add).onLost(lost::add);
        assertTrue(client.forceRelease("gone"));
        LockLostException e = assertThrows(LockLostException.class, () -> lease.extend(LONG));
        assertEquals(List.of(e, e), lost);
        assertThrows(LockLostException.class, lease::release);
        assertEquals(2, lost.size(), "listeners run once");
        assertTrue(client.live.isEmpty());
    }

    @Test
    void onLostNeverFiresOnANormalRelease() {
        Lease lease = client.lock("normal").tryAcquire().orElseThrow();
        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        lease.onLost(lost::add);
        lease.release();
        lease.onLost(lost::add);
        driver.advance(LONG.multipliedBy(2));
        assertTrue(lost.isEmpty());
    }

    @Test
    void aFailedAcquireIsUndoneOwnerSafely() {
        driver.nextAcquireFailsApplied = true;
        assertThrows(LockUnavailableException.class, () -> client.lock("undo").tryAcquire());
        assertNull(driver.holder("undo"), "the grant applied before the failure was released");
        assertTrue(client.live.isEmpty());
        assertTrue(client.lock("undo").tryAcquire().isPresent());
    }

    @Test
    void timeoutHoldsNothing() throws Exception {
        Lease held = client.lock("to").tryAcquire().orElseThrow();
        assertTrue(client.lock("to").tryAcquire(Duration.ofMillis(20), LONG).isEmpty());
        assertEquals(List.of(held), List.copyOf(client.live));
    }

    @Test
    void interruptedCallerFailsBeforeTouchingTheDriverAndTryAcquireKeepsTheFlag() throws Exception {
        DistributedLock lock = client.lock("intr");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> lock.acquire(Duration.ofSeconds(1), LONG));
        assertFalse(Thread.currentThread().isInterrupted(), "InterruptedException clears the flag");
        assertEquals(0, driver.acquireCalls.get());
        Thread.currentThread().interrupt();
        try {
            assertTrue(lock.tryAcquire().isPresent(), "the single attempt is still made");
            assertTrue(Thread.currentThread().isInterrupted(), "and the flag stays set");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void closeReleasesLiveLeasesAndRefusesFurtherUse() throws Exception {
        Lease a = client.lock("c1").tryAcquire().orElseThrow();
        Lease b = client.lock("c2").tryAcquire().orElseThrow();
        DistributedLock kept = client.lock("c3");
        client.close();
        client.close();
        assertNull(driver.holder("c1"));
        assertNull(driver.holder("c2"));
        assertTrue(client.live.isEmpty());
        assertEquals(1, driver.closeCalls.get(), "close is idempotent");
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, a.release());
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, b.release());
        assertThrows(IllegalStateException.class, () -> client.lock("c4"));
        assertThrows(IllegalStateException.class, () -> kept.tryAcquire(Duration.ZERO, LONG));
        assertThrows(IllegalStateException.class, () -> kept.acquireAsync(Duration.ZERO, LONG));
        assertNull(driver.holder("c3"));
    }

    @Test
    void renewalRequiresTheCapability() {
        EngineClient plain = clientOn(new FakeDriver(false, EnumSet.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY)));
        Lease lease = plain.lock("r").tryAcquire().orElseThrow();
        assertThrows(UnsupportedOperationException.class, lease::renewAutomatically);
        assertEquals(EnumSet.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY), plain.capabilities());
    }

    @Test
    void renewalStopsWithReleaseAndNeverRenewsAfterIt() throws Exception {
        EngineClient c = clientOn(new FakeDriver(true, EnumSet.allOf(Capability.class)));
        // 300 ms: renewals every 100 ms, so only one more than 200 ms late would lose the lease.
        Lease lease = c.lock("renew").acquire(Duration.ofMillis(300)).renewAutomatically();
        assertTrue(driver.extended.tryAcquire(2, 5, TimeUnit.SECONDS), "renews every ~100 ms");
        assertTrue(lease.isValid());
        assertEquals(ReleaseOutcome.RELEASED, lease.release());
        int after = driver.extendCalls.get();
        Thread.sleep(400); // four renewal periods: none may run
        assertEquals(after, driver.extendCalls.get());
        assertNull(driver.holder("renew"));
    }

    /** Regression: a release that failed (outcome unknown) used to leave the watchdog renewing the hold. */
    @Test
    void renewalStopsWhenAReleaseIsAttemptedEvenIfItFails() throws Exception {
        EngineClient c = clientOn(new FakeDriver(true, EnumSet.allOf(Capability.class)));
        Lease lease = c.lock("renew-fail").acquire(Duration.ofMillis(300)).renewAutomatically();
        assertTrue(driver.extended.tryAcquire(1, 5, TimeUnit.SECONDS));
        driver.nextReleaseFailsApplied = false;
        assertThrows(LockUnavailableException.class, lease::release);
        int after = driver.extendCalls.get();
        Thread.sleep(400); // four renewal periods, and past the last renewed deadline
        assertEquals(after, driver.extendCalls.get(), "no renewal after a release attempt");
        assertNull(driver.holder("renew-fail"), "so the unreleased hold runs out by itself");
        // The retry finds no hold; the engine cannot tell whether its first attempt or the expiry ended it,
        // and since that attempt left before the deadline it answers 'already released', not 'not the owner'.
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, lease.release());
        assertTrue(c.live.isEmpty());
    }

    @Test
    void aTransientRenewalFailureIsToleratedButPersistentFailureReportsLoss() throws Exception {
        EngineClient c = clientOn(new FakeDriver(true, EnumSet.allOf(Capability.class)));
        // One failure: the next renewal succeeds and the lease stays valid.
        driver.extendFailures.set(1);
        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        // 900 ms: renewals every 300 ms, so only a first renewal more than 300 ms late would turn one failure into a loss.
        Lease lease = c.lock("flaky").acquire(Duration.ofMillis(900)).onLost(lost::add).renewAutomatically();
        assertTrue(driver.extended.tryAcquire(3, 10, TimeUnit.SECONDS), () -> "extends " + driver.extendCalls + " " + lease + " lost " + lost);
        assertTrue(lease.isValid());
        assertTrue(lost.isEmpty());
        lease.release();

        // Persistent failure: loss is reported, at the latest shortly after the deadline, never after one failure.
        driver.extendFailures.set(Integer.MAX_VALUE);
        CountDownLatch fired = new CountDownLatch(1);
        AtomicReference<Long> firedAt = new AtomicReference<>();
        long start = System.nanoTime();
        Lease doomed = c.lock("flaky").acquire(Duration.ofMillis(300)).renewAutomatically().onLost(e -> {
            firedAt.set(System.nanoTime());
            fired.countDown();
        });
        assertTrue(fired.await(5, TimeUnit.SECONDS));
        long elapsedMs = (firedAt.get() - start) / 1_000_000;
        assertTrue(elapsedMs >= 150, "lost after the first failure already: " + elapsedMs + " ms");
        assertFalse(doomed.isValid());
        assertThrows(LockLostException.class, doomed::release);
        assertTrue(c.live.isEmpty());
    }

    /**
     * Regression: a grant that raced a cancellation was released on the very thread that
     * {@code cancel(true)} interrupts, so a backend with interruptible I/O failed that release
     * and the hold stayed for a whole lease.
     */
    @Test
    void aGrantRacingCancellationIsReleasedEvenWithInterruptibleIo() throws Exception {
        driver.interruptibleRelease = true;
        DistributedLock lock = client.lock("async-race");
        int cancelled = 0;
        for (int i = 0; i <= 300; i++) {
            // The previous round's acquisition, whatever won, must have given the lock back (the fake's
            // manual clock never moves, so a hold left behind would last for ever).
            int round = i;
            Lease held = lock.tryAcquire(Duration.ofSeconds(2), LONG)
                    .orElseThrow(() -> new AssertionError("round " + (round - 1) + ": a cancelled acquisition left the lock held"));
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!client.live.equals(java.util.Set.of(held))) { // the raced lease leaves just after the backend freed it
                assertTrue(System.nanoTime() < settle, "live leases: " + client.live);
                Thread.onSpinWait();
            }
            if (i == 300) {
                break;
            }
            var f = lock.acquireAsync(Duration.ofSeconds(30), LONG).toCompletableFuture();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (driver.waiting.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the async acquisition never waited");
                Thread.onSpinWait();
            }
            boolean won;
            if ((i & 1) == 0) {
                held.release();
                won = f.cancel(true);
            } else {
                won = f.cancel(true);
                held.release();
            }
            if (won) {
                cancelled++;
            } else {
                f.get(5, TimeUnit.SECONDS).release();
            }
        }
        assertTrue(cancelled > 0);
    }

    @Test
    void liveSetIsEmptyAfterAsyncGrantTimeoutAndCancel() throws Exception {
        DistributedLock lock = client.lock("async");
        Lease lease = lock.acquireAsync(Duration.ZERO, LONG).toCompletableFuture().get(5, TimeUnit.SECONDS);
        var timeout = lock.acquireAsync(Duration.ofMillis(20), LONG).toCompletableFuture();
        assertThrows(java.util.concurrent.ExecutionException.class, () -> timeout.get(5, TimeUnit.SECONDS));
        var cancelled = lock.acquireAsync(Duration.ofSeconds(30), LONG).toCompletableFuture();
        assertTrue(cancelled.cancel(true));
        lease.release();
        // Whoever was waiting is gone: a fresh attempt gets the lock and it is the only live lease.
        Lease again = lock.acquire(Duration.ofSeconds(5), LONG);
        assertEquals(List.of(again), List.copyOf(client.live));
    }

    /** Regression guard: a loss listener that blocks must not stall the timer every lease of the client shares. */
    @Test
    void aBlockingLossListenerDoesNotDelayAnotherLeasesRenewal() throws Exception {
        EngineClient c = clientOn(new FakeDriver(true, EnumSet.allOf(Capability.class)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Lease doomed = c.lock("doomed").acquire(Duration.ofMillis(200));
        doomed.onLost(e -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        Lease renewing = c.lock("renewing").acquire(Duration.ofMillis(300)).renewAutomatically();
        try {
            assertTrue(entered.await(5, TimeUnit.SECONDS), "the doomed lease's listener never ran");
            int before = driver.extendCalls.get();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_200); // four lease lengths
            while (System.nanoTime() < until) {
                assertTrue(renewing.isValid(), "the renewing lease was lost while another lease's listener blocked");
                Thread.sleep(5);
            }
            assertTrue(driver.extendCalls.get() - before >= 4, "renewals stalled: " + (driver.extendCalls.get() - before));
        } finally {
            release.countDown();
        }
        renewing.release();
    }
}
