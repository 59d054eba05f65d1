package dev.latchkey.tck;

import static dev.latchkey.Capability.ASYNC;
import static dev.latchkey.Capability.MUTUAL_EXCLUSION;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Ctx.WAIT;
import static dev.latchkey.tck.Level.REQUIRED;

import dev.latchkey.Lease;
import dev.latchkey.LockTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Async acquisition: completes with a lease, times out, and leaves nothing held when cancelled. */
@TckGroup("async")
final class AsyncRules {
    private AsyncRules() {
    }

    @TckRule(level = REQUIRED, checks = ASYNC)
    static void AS_01_asyncAcquireCompletesOnceTheLockIsFree(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LONG);
        Participant b = c.participant("b");
        long asked = System.nanoTime();
        CompletableFuture<Lease> pending = b.lock().acquireAsync(PATIENCE, LONG).toCompletableFuture();
        c.sleep(SHORT);
        c.check(!pending.isDone(), "b's async acquisition completed while a held the lock: %s", pending);
        held.release();
        Lease lease = pending.get(SLACK.toMillis(), TimeUnit.MILLISECONDS);
        RecordedLease got = c.history.acquired("b", lease, asked);
        c.check(lease.isValid(), "the lease of a completed async acquisition is not valid");
        got.release();
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = ASYNC)
    static void AS_02_asyncAcquireTimesOut(Ctx c) throws Exception {
        c.participant("a").acquire(LONG);
        Participant b = c.participant("b");
        Duration bound = c.within(WAIT);
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long asked = System.nanoTime();
            CompletableFuture<Lease> pending = b.lock().acquireAsync(WAIT, LEASE).toCompletableFuture();
            CompletableFuture<Long> ended = pending.handle((lease, error) -> System.nanoTime());
            try {
                Lease unexpected = pending.get(WAIT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
                c.check(false, "b's async acquisition completed with %s while a held the lock", unexpected);
            } catch (ExecutionException e) {
                c.check(e.getCause() instanceof LockTimeoutException, "b's async acquisition failed with %s, not LockTimeoutException", e.getCause());
            }
            double waited = Ctx.ms(ended.get() - asked);
            c.check(waited >= WAIT.toMillis() - 1, "b's async acquisition timed out after %.1f ms of a %d ms wait", waited, WAIT.toMillis());
            fastest = Math.min(fastest, waited);
        }
        c.check(fastest <= bound.toMillis(), "b's async acquisitions timed out after at least %.1f ms of a %d ms wait (bound %d ms)",
                fastest, WAIT.toMillis(), bound.toMillis());
    }

    /**
     * Cancelling an async acquisition, before or just after the holder releases, leaves nothing held:
     * a third participant acquires at once, and once it has released, the lock stays free (a cancelled
     * acquisition that went on in the background would take it then).
     */
    @TckRule(level = REQUIRED, checks = ASYNC)
    static void AS_03_cancelledAsyncAcquireLeavesNothingHeld(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Participant third = c.participant("c");
        for (int round = 0; round < 4; round++) {
            RecordedLease held = a.acquire(LONG);
            CompletableFuture<Lease> pending = b.lock().acquireAsync(PATIENCE, LONG).toCompletableFuture();
            c.sleep(SHORT);
            boolean racing = round % 2 == 1;
            if (racing) {
                held.release();
            }
            if (!pending.cancel(true)) {
                pending.join().release(); // the grant won the race with the cancellation
            }
            if (!racing) {
                c.sleep(SHORT); // the cancellation lands (the interrupt reaches the waiting call) before the release
                held.release();
            }
            String order = racing ? "just after a released" : "before a released";
            RecordedLease next = third.tryAcquire(SLACK, LONG).orElseThrow(() -> new AssertionError(
                    "b's async acquisition was cancelled " + order + ", and then c could not acquire: the cancelled acquisition holds the lock"
                            + c.historyTail()));
            next.release();
            c.sleep(SHORT);
            int r = round;
            third.tryAcquire(Duration.ZERO, LEASE).orElseThrow(() -> new AssertionError("round " + r + ": b's async acquisition was"
                    + " cancelled " + order + ", and after c released, the lock was taken again: the cancelled acquisition went on"
                    + c.historyTail())).release();
        }
        c.checkHistory(false);
    }

    /** Thread-owned locks fail here: the engine's async threads are pooled, so both acquisitions may run on one thread. */
    @TckRule(level = REQUIRED, checks = MUTUAL_EXCLUSION)
    static void AS_04_asyncAcquisitionsThroughOneClientContend(Ctx c) throws Exception {
        Participant a = c.participant("a");
        for (int round = 0; round < 3; round++) {
            long asked = System.nanoTime();
            Lease first = a.lock().acquireAsync(SLACK, LONG).toCompletableFuture().get(SLACK.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
            RecordedLease recorded = c.history.acquired("a.async1", first, asked);
            c.sleep(TckTime.millis(10)); // lets the pooled thread that ran the first become idle
            asked = System.nanoTime();
            CompletableFuture<Lease> second = a.lock().acquireAsync(WAIT, LEASE).toCompletableFuture();
            try {
                Lease unexpected = second.get(WAIT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
                c.history.acquired("a.async2", unexpected, asked);
                c.check(false, "a second async acquisition by the same client was granted while the first lease was held%s", c.historyTail());
            } catch (ExecutionException e) {
                c.check(e.getCause() instanceof LockTimeoutException, "the second async acquisition failed with %s", e.getCause());
            }
            recorded.release();
        }
    }
}
