package dev.latchkey.inmemory;

import static dev.latchkey.inmemory.Timing.awaitCondition;
import static dev.latchkey.inmemory.Timing.awaitWaiters;
import static dev.latchkey.inmemory.Timing.millisSince;
import static dev.latchkey.inmemory.Timing.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's acquisition paths on the in-memory backend, on the system clock. */
class EngineBehaviourTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    private final InMemorySpace space = InMemorySpace.create();
    private final List<LockClient> clients = new ArrayList<>();

    private LockClient client() {
        return client(LEASE);
    }

    private LockClient client(Duration defaultLease) {
        LockClient c = space.client(defaultLease, true);
        clients.add(c);
        return c;
    }

    @AfterEach
    void closeAll() {
        clients.forEach(LockClient::close);
    }

    private static boolean isFree(LockClient c, String name) {
        return !c.inspect(name).orElseThrow().isHeld();
    }

    /** A thread that runs a blocking call and keeps its result or failure. */
    private static final class Attempt<T> {
        interface Call<T> {
            T call() throws Exception;
        }

        final CompletableFuture<T> outcome = new CompletableFuture<>();
        final AtomicLong doneAt = new AtomicLong();
        final Thread thread;

        Attempt(String name, Call<T> call) {
            thread = new Thread(() -> {
                try {
                    T value = call.call();
                    doneAt.set(System.nanoTime());
                    outcome.complete(value);
                } catch (Throwable t) {
                    doneAt.set(System.nanoTime());
                    outcome.completeExceptionally(t);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        T get() throws Exception {
            try {
                return outcome.get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception) {
                    throw (Exception) e.getCause();
                }
                throw e;
            }
        }
    }

    // ---- timed acquisition ------------------------------------------------------------------

    @Test
    void timedAcquireGivesUpNoEarlierThanTheWaitAndHoldsNothing() throws Exception {
        LockClient holder = client();
        LockClient waiter = client();
        Lease held = holder.lock("timed").acquire();

        long start = System.nanoTime();
        assertTrue(waiter.lock("timed").tryAcquire(Duration.ofMillis(300), LEASE).isEmpty());
        long waited = millisSince(start);
        assertTrue(waited >= 300, "gave up early: " + waited + " ms");
        assertTrue(waited < 300 + scaledMillis(1_500), "gave up late: " + waited + " ms");

        start = System.nanoTime();
        LockTimeoutException e = assertThrows(LockTimeoutException.class,
                () -> waiter.lock("timed").acquire(Duration.ofMillis(200), LEASE));
        waited = millisSince(start);
        assertTrue(waited >= 200 && waited < 200 + scaledMillis(1_500), waited + " ms");
        assertTrue(e.getMessage().contains("'timed'") && e.getMessage().contains("200 ms"), e.getMessage());

        assertEquals(0, holder.inspect("timed").orElseThrow().waiters(), "the timed-out waiters left the queue");
        held.release();
        assertTrue(isFree(holder, "timed"), "nothing was granted to a waiter that gave up");
        assertTrue(client().lock("timed").tryAcquire().isPresent());
    }

    @Test
    void zeroWaitIsASingleAttempt() throws Exception {
        LockClient c = client();
        Lease held = c.lock("zero").acquire();
        long start = System.nanoTime();
        assertTrue(client().lock("zero").tryAcquire(Duration.ZERO, LEASE).isEmpty());
        assertTrue(millisSince(start) < scaledMillis(500));
        held.release();
        assertTrue(client().lock("zero").tryAcquire(Duration.ZERO, LEASE).isPresent());
    }

    // ---- interruption -----------------------------------------------------------------------

    @Test
    void interruptingABlockedAcquireThrowsPromptlyAndHoldsNothing() throws Exception {
        LockClient holder = client();
        LockClient other = client();
        Lease held = holder.lock("intr").acquire();
        Attempt<Lease> blocked = new Attempt<>("blocked", () -> other.lock("intr").acquire(LEASE));
        awaitWaiters(holder, "intr", 1);
        long start = System.nanoTime();
        blocked.thread.interrupt();
        assertThrows(InterruptedException.class, blocked::get);
        long took = (blocked.doneAt.get() - start) / 1_000_000;
        assertTrue(took < scaledMillis(1_000), "interrupt took " + took + " ms");
        assertEquals(0, holder.inspect("intr").orElseThrow().waiters());
        assertTrue(held.isValid());
        held.release();
        assertTrue(isFree(holder, "intr"));
        assertTrue(client().lock("intr").tryAcquire().isPresent());
    }

    /**
     * Regression guard for the table's hand-off: a fair waiter that leaves the queue (here: is
     * interrupted) while a release signals it must pass the signal to the next waiter, or that
     * waiter would sleep through its whole wait.
     */
    @Test
    void aWaiterInterruptedDuringTheHandOffPassesItOn() throws Exception {
        for (int i = 0; i < 40; i++) {
            String name = "handoff-" + i;
            LockClient c = client();
            Lease held = c.lock(name).acquire();
            Attempt<Boolean> first = new Attempt<>("first", () -> {
                c.lock(name).acquire(LONG_WAIT, LEASE).release();
                return true;
            });
            awaitWaiters(c, name, 1);
            Attempt<Lease> second = new Attempt<>("second", () -> c.lock(name).acquire(Duration.ofMillis(scaledMillis(3_000)), LEASE));
            awaitWaiters(c, name, 2);
            if ((i & 1) == 0) {
                first.thread.interrupt();
                held.release();
            } else {
                held.release();
                first.thread.interrupt();
            }
            try {
                first.get();
            } catch (InterruptedException expected) {
                // either outcome is fine for the first waiter; the second must get the lock
            }
            Lease got = second.get();
            assertTrue(got.isValid(), "iteration " + i);
            got.release();
            c.close();
        }
    }

    // ---- async ------------------------------------------------------------------------------

    @Test
    void acquireAsyncCompletesWhenTheLockIsFreed() throws Exception {
        LockClient holder = client();
        LockClient other = client();
        Lease held = holder.lock("async").acquire();
        CompletableFuture<Lease> pending = other.lock("async").acquireAsync(LONG_WAIT, LEASE).toCompletableFuture();
        awaitWaiters(holder, "async", 1);
        assertFalse(pending.isDone());
        held.release();
        Lease lease = pending.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
        assertTrue(lease.isValid());
        assertTrue(lease.fencingToken() > held.fencingToken());
        assertEquals(ReleaseOutcome.RELEASED, lease.release());

        Lease immediate = other.lock("async").acquireAsync(Duration.ZERO, LEASE).toCompletableFuture()
                .get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
        assertTrue(immediate.isValid());
    }

    @Test
    void acquireAsyncTimesOutWithLockTimeoutException() throws Exception {
        LockClient holder = client();
        Lease held = holder.lock("async-to").acquire();
        long start = System.nanoTime();
        CompletableFuture<Lease> f = client().lock("async-to").acquireAsync(Duration.ofMillis(200), LEASE).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(scaledMillis(5_000), TimeUnit.MILLISECONDS));
        long waited = millisSince(start);
        assertInstanceOf(LockTimeoutException.class, e.getCause());
        assertTrue(waited >= 200 && waited < 200 + scaledMillis(1_500), waited + " ms");
        held.release();
        assertTrue(isFree(holder, "async-to"));
    }

    @Test
    void cancellingAPendingAsyncAcquireLeavesNothingHeld() throws Exception {
        LockClient holder = client();
        LockClient other = client();
        Lease held = holder.lock("async-cancel").acquire();
        CompletableFuture<Lease> f = other.lock("async-cancel").acquireAsync(LONG_WAIT, LEASE).toCompletableFuture();
        awaitWaiters(holder, "async-cancel", 1);
        assertTrue(f.cancel(true));
        assertThrows(CancellationException.class, f::join);
        awaitWaiters(holder, "async-cancel", 0); // the wait itself stopped, not just the future
        held.release();
        assertTrue(isFree(holder, "async-cancel"));
        assertTrue(client().lock("async-cancel").tryAcquire().isPresent());
    }

    /** The grant and the cancellation race; whoever wins, nothing may stay held. */
    @Test
    void cancelRacingTheGrantLeavesNothingHeld() throws Exception {
        LockClient holder = client();
        LockClient other = client();
        LockClient checker = client();
        int raced = 0;
        int cancelledOutright = 0;
        for (int i = 0; i < 300; i++) {
            String name = "race";
            Lease held = holder.lock(name).acquire();
            CompletableFuture<Lease> f = other.lock(name).acquireAsync(LONG_WAIT, LEASE).toCompletableFuture();
            awaitWaiters(holder, name, 1);
            boolean cancelled;
            if ((i & 1) == 0) {
                held.release();
                cancelled = f.cancel(true);
            } else {
                cancelled = f.cancel(true);
                held.release();
            }
            if (!cancelled) {
                f.get().release(); // the grant won: the caller owns it and releases it
            } else {
                cancelledOutright++;
            }
            Lease next = checker.lock(name).acquire(Duration.ofMillis(scaledMillis(2_000)), LEASE);
            if (next.fencingToken() > held.fencingToken() + 1) {
                raced++; // a grant happened in between and was given back
            }
            next.release();
            awaitCondition("the race's grant to be given back", () -> isFree(checker, name));
        }
        assertTrue(cancelledOutright > 0, "the cancel never won; the test did not exercise cancellation");
        System.out.println("cancelRacingTheGrant: " + raced + " of 300 cancellations raced a grant");
    }

    // ---- Lock view --------------------------------------------------------------------------

    @Test
    void lockViewIsReentrantPerThread() throws Exception {
        LockClient c = client();
        LockClient other = client();
        DistributedLock lock = c.lock("view");
        Lock view = lock.asLock();
        assertSame(view, lock.asLock());
        view.lock();
        view.lock();
        assertTrue(view.tryLock());
        assertTrue(other.lock("view").tryAcquire().isEmpty());
        view.unlock();
        view.unlock();
        assertTrue(other.lock("view").tryAcquire().isEmpty(), "one hold count left");
        view.unlock();
        assertTrue(isFree(c, "view"));
        assertThrows(IllegalMonitorStateException.class, view::unlock);
        assertThrows(UnsupportedOperationException.class, view::newCondition);
    }

    @Test
    void lockViewReentrancySpansLockObjectsOfTheSameClient() {
        LockClient c = client();
        c.lock("view-same").asLock().lock();
        try {
            assertTrue(c.lock("view-same").asLock().tryLock(), "the same thread re-enters through another lock object");
            c.lock("view-same").asLock().unlock();
            assertFalse(isFree(c, "view-same"));
        } finally {
            c.lock("view-same").asLock().unlock();
        }
        assertTrue(isFree(c, "view-same"));
    }

    @Test
    void lockViewExcludesOtherThreadsAndRejectsTheirUnlock() throws Exception {
        LockClient c = client();
        Lock view = c.lock("view-x").asLock();
        view.lock();
        try {
            Attempt<Boolean> tryNow = new Attempt<>("try", view::tryLock);
            assertFalse(tryNow.get());
            Attempt<Boolean> tryTimed = new Attempt<>("tryTimed", () -> {
                long start = System.nanoTime();
                boolean got = view.tryLock(150, TimeUnit.MILLISECONDS);
                assertTrue(millisSince(start) >= 150);
                return got;
            });
            assertFalse(tryTimed.get());
            Attempt<Void> foreignUnlock = new Attempt<>("unlock", () -> {
                view.unlock();
                return null;
            });
            assertThrows(IllegalMonitorStateException.class, foreignUnlock::get);
            assertFalse(isFree(c, "view-x"), "the failed foreign unlock released nothing");
        } finally {
            view.unlock();
        }
        Attempt<Boolean> after = new Attempt<>("after", () -> {
            view.lock();
            view.unlock();
            return true;
        });
        assertTrue(after.get());
    }

    @Test
    void lockViewInterruption() throws Exception {
        LockClient c = client();
        Lock view = c.lock("view-i").asLock();
        Lease held = client().lock("view-i").acquire();
        Attempt<Void> interruptible = new Attempt<>("li", () -> {
            view.lockInterruptibly();
            return null;
        });
        awaitWaiters(c, "view-i", 1);
        interruptible.thread.interrupt();
        assertThrows(InterruptedException.class, interruptible::get);

        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Attempt<Void> uninterruptible = new Attempt<>("l", () -> {
            view.lock();
            stillInterrupted.set(Thread.currentThread().isInterrupted());
            view.unlock();
            return null;
        });
        awaitWaiters(c, "view-i", 1);
        uninterruptible.thread.interrupt();
        awaitWaiters(c, "view-i", 1); // lock() keeps waiting
        held.release();
        uninterruptible.get();
        assertTrue(stillInterrupted.get(), "lock() restores the interrupt it swallowed");
        assertTrue(isFree(c, "view-i"));
    }

    @Test
    void lockViewRenewsItsLease() throws Exception {
        LockClient c = client(Duration.ofMillis(300));
        Lock view = c.lock("view-r").asLock();
        view.lock();
        try {
            Thread.sleep(1_000); // more than three lease lengths
            assertTrue(client().lock("view-r").tryAcquire().isEmpty(), "renewed, still held");
        } finally {
            view.unlock();
        }
        assertTrue(isFree(c, "view-r"));
    }

    // ---- renewal, loss ----------------------------------------------------------------------

    @Test
    void renewAutomaticallyKeepsAShortLeaseAliveAndStopsAtRelease() throws Exception {
        LockClient c = client();
        LockClient other = client();
        Duration lease = Duration.ofMillis(scaledMillis(300));
        List<LockLostException> lost = new CopyOnWriteArrayList<>();
        Lease held = c.lock("renew").acquire(lease).renewAutomatically().onLost(lost::add);
        long start = System.nanoTime();
        while (millisSince(start) < lease.toMillis() * 4) {
            assertTrue(other.lock("renew").tryAcquire().isEmpty(), "lost after " + millisSince(start) + " ms");
            assertTrue(held.isValid());
            Thread.sleep(50);
        }
        assertEquals(ReleaseOutcome.RELEASED, held.release());
        Lease next = other.lock("renew").tryAcquire().orElseThrow(); // free at once
        Thread.sleep(lease.toMillis());
        assertTrue(next.isValid());
        assertFalse(held.isValid());
        assertTrue(lost.isEmpty());
        assertEquals(next.fencingToken(), c.inspect("renew").orElseThrow().fencingToken());
    }

    @Test
    void onLostFiresWhenTheLeaseRunsOutAndAtOnceWhenRegisteredLater() throws Exception {
        LockClient c = client();
        CountDownLatch fired = new CountDownLatch(1);
        AtomicReference<LockLostException> seen = new AtomicReference<>();
        long start = System.nanoTime();
        Lease lease = c.lock("lost").acquire(Duration.ofMillis(200)).onLost(e -> {
            seen.set(e);
            fired.countDown();
        });
        assertTrue(fired.await(scaledMillis(3_000), TimeUnit.MILLISECONDS));
        long after = millisSince(start);
        assertTrue(after >= 200, "reported lost before the lease ran out: " + after + " ms");
        assertFalse(lease.isValid());
        assertEquals("lost", seen.get().lockName());

        List<Thread> ranOn = new ArrayList<>();
        lease.onLost(e -> ranOn.add(Thread.currentThread()));
        assertEquals(List.of(Thread.currentThread()), ranOn, "runs at once, on the caller's thread");
        assertSame(seen.get(), assertThrows(LockLostException.class, lease::release));
        assertTrue(isFree(c, "lost"));
    }

    @Test
    void aCrashedParticipantStopsRenewingAndLosesItsHoldAfterTheLease() throws Exception {
        LockClient doomed = client();
        LockClient survivor = client();
        Duration lease = Duration.ofMillis(600);
        doomed.lock("crash").acquire(lease).renewAutomatically();
        Thread.sleep(700); // renewed (every 200 ms): the hold outlived its first lease
        assertTrue(survivor.lock("crash").tryAcquire().isEmpty());
        InMemorySpace.crash(doomed);
        assertTrue(survivor.lock("crash").tryAcquire().isEmpty(), "a crash releases nothing");
        long start = System.nanoTime();
        Lease taken = survivor.lock("crash").acquire(Duration.ofMillis(scaledMillis(3_000)), LEASE);
        assertTrue(millisSince(start) <= lease.toMillis() + scaledMillis(1_000));
        assertTrue(taken.isValid());
    }

    // ---- fairness and wake-ups --------------------------------------------------------------

    @Test
    void queuedWaitersAreGrantedInArrivalOrder() throws Exception {
        LockClient holder = client();
        Lease held = holder.lock("fifo").acquire();
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Attempt<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int id = i;
            LockClient own = client();
            waiters.add(new Attempt<>("w" + i, () -> {
                Lease l = own.lock("fifo").acquire(LONG_WAIT, LEASE);
                order.add(id);
                l.release();
                return null;
            }));
            awaitWaiters(holder, "fifo", i + 1);
        }
        held.release();
        for (Attempt<Void> w : waiters) {
            w.get();
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
    }

    @Test
    void aNewcomerCannotBargePastQueuedWaitersOfAFairLock() throws Exception {
        LockClient holder = client();
        LockClient waiting = client();
        for (int i = 0; i < 50; i++) {
            Lease held = holder.lock("barge").acquire();
            Attempt<Lease> queued = new Attempt<>("queued", () -> waiting.lock("barge").acquire(LONG_WAIT, LEASE));
            awaitWaiters(holder, "barge", 1);
            held.release();
            // The releasing participant tries again at once: the free lock belongs to the queued waiter.
            assertTrue(holder.lock("barge").tryAcquire().isEmpty(), "barged past the queue in round " + i);
            Lease got = queued.get();
            assertTrue(got.fencingToken() == held.fencingToken() + 1);
            got.release();
        }
    }

    @Test
    void aReleaseWakesABlockedWaiterPromptly() throws Exception {
        LockClient holder = client();
        LockClient other = client();
        Lease held = holder.lock("wake").acquire(LEASE);
        Attempt<Lease> waiter = new Attempt<>("waiter", () -> other.lock("wake").acquire(LONG_WAIT, LEASE));
        awaitWaiters(holder, "wake", 1);
        Thread.sleep(100);
        assertFalse(waiter.outcome.isDone());
        long releasedAt = System.nanoTime();
        held.release();
        Lease got = waiter.get();
        long latency = (waiter.doneAt.get() - releasedAt) / 1_000_000;
        assertTrue(latency >= 0 && latency < scaledMillis(1_000), "woken after " + latency + " ms");
        assertTrue(got.isValid());
    }

    // ---- client close -----------------------------------------------------------------------

    @Test
    void closeReleasesLiveLeasesAndStopsPendingAsyncAcquisitions() throws Exception {
        LockClient closing = client();
        LockClient other = client();
        Lease a = closing.lock("close-a").acquire();
        Lease b = closing.lock("close-b").acquire().renewAutomatically();
        Lock view = closing.lock("close-v").asLock();
        view.lock();
        Lease blocker = other.lock("close-c").acquire();
        CompletableFuture<Lease> pending = closing.lock("close-c").acquireAsync(LONG_WAIT, LEASE).toCompletableFuture();
        awaitWaiters(other, "close-c", 1);

        closing.close();
        for (String n : List.of("close-a", "close-b", "close-v")) {
            assertTrue(other.lock(n).tryAcquire().isPresent(), n + " was released by close");
        }
        assertThrows(ExecutionException.class, () -> pending.get(scaledMillis(2_000), TimeUnit.MILLISECONDS));
        awaitWaiters(other, "close-c", 0);
        blocker.release();
        assertTrue(isFree(other, "close-c"));
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, a.release());
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, b.release());
        assertThrows(IllegalStateException.class, () -> closing.lock("close-a"));
        closing.close();
    }
}
