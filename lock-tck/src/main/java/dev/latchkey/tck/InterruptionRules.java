package dev.latchkey.tck;

import static dev.latchkey.Capability.INTERRUPTIBLE;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** Interruption: a blocked acquisition ends promptly with InterruptedException and holds nothing. */
@TckGroup("interruption")
final class InterruptionRules {
    private InterruptionRules() {
    }

    @TckRule(level = REQUIRED, checks = INTERRUPTIBLE)
    static void IR_01_blockedAcquireRespondsToInterrupt(Ctx c) throws Exception {
        Participant b = c.participant("b");
        interruptWaiter(c, () -> b.lock().acquire(LONG));
    }

    @TckRule(level = REQUIRED, checks = INTERRUPTIBLE)
    static void IR_02_timedAcquireRespondsToInterrupt(Ctx c) throws Exception {
        Participant b = c.participant("b");
        interruptWaiter(c, () -> b.tryAcquire(PATIENCE, LONG));
    }

    /**
     * An interrupt that lands just as the lock is handed to the waiter: either the waiter got the lease
     * (and releases it), or it holds nothing. A backend whose acquisition command is still in flight
     * when the interrupt is noticed must not leave that grant behind.
     */
    @TckRule(level = STOCHASTIC, checks = INTERRUPTIBLE)
    static void IR_03_interruptRacingAHandoffLeavesNothingHeld(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Participant third = c.participant("c");
        for (int round = 0; round < 6; round++) {
            RecordedLease held = a.acquire(LONG);
            AtomicReference<Thread> waiter = new AtomicReference<>();
            CompletableFuture<Optional<RecordedLease>> outcome = c.fork("b", () -> {
                waiter.set(Thread.currentThread());
                try {
                    return b.tryAcquire(PATIENCE, LONG);
                } catch (InterruptedException expected) {
                    return Optional.empty();
                }
            });
            c.sleep(SHORT);
            held.release();
            waiter.get().interrupt();
            c.await(outcome, SLACK, "b's interrupted acquisition").ifPresent(RecordedLease::release);
            int r = round;
            third.tryAcquire(SLACK, LONG).orElseThrow(() -> new AssertionError("round " + r + ": b was interrupted just as a released,"
                    + " and then c could not acquire: b's interrupted acquisition holds the lock" + c.historyTail())).release();
        }
        c.checkHistory(false);
    }

    /**
     * The everyday idiom {@code catch (InterruptedException e) { interrupt(); } finally { unlock(); }}:
     * a release, and the {@code Lock} view's unlock, from a thread whose interrupt flag is set, must
     * free the lock and keep the flag. (A client whose I/O aborts on interrupt fails here.)
     */
    @TckRule(level = REQUIRED)
    static void IR_04_releaseAndUnlockFromAnInterruptedThreadWork(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        String outcome = c.await(c.fork("a", () -> {
            for (int round = 0; round < 5; round++) {
                RecordedLease held = a.acquire(LONG);
                Thread.currentThread().interrupt();
                ReleaseOutcome released;
                try {
                    released = held.release();
                } catch (RuntimeException e) {
                    return "round " + round + ": release() on an interrupted thread threw " + e;
                }
                if (!Thread.interrupted()) {
                    return "round " + round + ": release() cleared the interrupt flag";
                }
                if (released != ReleaseOutcome.RELEASED) {
                    return "round " + round + ": release() on an interrupted thread reported " + released;
                }
                if (b.tryAcquire(Duration.ZERO, LEASE).map(RecordedLease::release).isEmpty()) {
                    return "round " + round + ": the lock was still held after a release on an interrupted thread";
                }
                Lock view = a.lock().asLock();
                if (!view.tryLock(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    return "round " + round + ": the Lock view of a free lock could not be locked";
                }
                Thread.currentThread().interrupt();
                try {
                    view.unlock();
                } catch (RuntimeException e) {
                    return "round " + round + ": unlock() on an interrupted thread threw " + e;
                }
                if (!Thread.interrupted()) {
                    return "round " + round + ": unlock() cleared the interrupt flag";
                }
                if (b.tryAcquire(Duration.ZERO, LEASE).map(RecordedLease::release).isEmpty()) {
                    return "round " + round + ": the lock was still held after unlock() on an interrupted thread";
                }
            }
            return "";
        }), PATIENCE, "releases from an interrupted thread");
        c.check(outcome.isEmpty(), "%s", outcome);
        c.checkHistory(false);
    }

    /** a holds; b blocks in {@code acquisition}; b is interrupted; then the lock must be free for c once a releases. */
    private static void interruptWaiter(Ctx c, Callable<?> acquisition) throws Exception {
        RecordedLease held = c.participant("a").acquire(LONG);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Object> outcome = c.fork("b", () -> {
            waiter.set(Thread.currentThread());
            try {
                return "returned " + acquisition.call();
            } catch (InterruptedException expected) {
                return expected;
            }
        });
        c.sleep(SHORT);
        c.check(!outcome.isDone(), "b's acquisition ended while a held the lock: %s", outcome);
        waiter.get().interrupt();
        Object result = c.await(outcome, SLACK, "b's acquisition after an interrupt");
        c.check(result instanceof InterruptedException, "b's interrupted acquisition %s instead of throwing InterruptedException", result);
        held.release();
        c.check(c.participant("c").tryAcquire(SLACK, LEASE).isPresent(),
                "after b's interrupted acquisition and a's release, c could not acquire: b's acquisition took the lock");
        c.checkHistory(false);
    }
}
