package dev.latchkey.tck;

import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Ctx.WAIT;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import dev.latchkey.Lease;
import dev.latchkey.LockTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Timed waits: never give up early, never acquire after giving up, zero means one attempt. */
@TckGroup("timeouts")
final class TimeoutRules {
    private TimeoutRules() {
    }

    @TckRule(level = REQUIRED)
    static void TO_01_timedWaitDoesNotGiveUpEarly(Ctx c) throws Exception {
        c.participant("a").acquire(LONG);
        Participant b = c.participant("b");
        Duration bound = c.within(WAIT);
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long start = c.history.now();
            Optional<RecordedLease> got = b.tryAcquire(WAIT, LEASE);
            double waited = Ctx.ms(c.history.now() - start);
            c.check(got.isEmpty(), "b acquired the lock a holds");
            c.check(waited >= WAIT.toMillis() - 1, "b gave up after %.1f ms of a %d ms wait", waited, WAIT.toMillis());
            fastest = Math.min(fastest, waited);
        }
        c.check(fastest <= bound.toMillis(), "b's %d ms waits lasted at least %.1f ms (bound %d ms)", WAIT.toMillis(), fastest, bound.toMillis());
        c.observe("a %d ms wait returned after %.1f ms (bound %d ms)", WAIT.toMillis(), fastest, bound.toMillis());
    }

    /** Catches a timed wait that returns empty but keeps trying in the background (a ghost acquisition). */
    @TckRule(level = REQUIRED)
    static void TO_02_timedOutWaiterNeverAcquiresLater(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LONG);
        c.check(c.participant("b").tryAcquire(WAIT, LONG).isEmpty(), "b acquired the lock a holds");
        held.release();
        c.sleep(SHORT); // room for an abandoned acquisition to strike
        c.check(c.participant("c").tryAcquire(SLACK, LEASE).isPresent(),
                "after b's wait timed out and a released, c could not acquire within %d ms: b's abandoned acquisition took the lock%s",
                SLACK.toMillis(), c.historyTail());
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED)
    static void TO_03_timedAcquireThrowsLockTimeoutException(Ctx c) throws Exception {
        c.participant("a").acquire(LONG);
        Participant b = c.participant("b");
        Duration bound = c.within(WAIT);
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            try {
                Lease unexpected = b.lock().acquire(WAIT, LEASE);
                c.check(false, "acquire(wait, lease) returned %s while a held the lock", unexpected);
            } catch (LockTimeoutException expected) {
                double waited = Ctx.ms(System.nanoTime() - start);
                c.check(waited >= WAIT.toMillis() - 1, "acquire(wait, lease) threw after %.1f ms of a %d ms wait", waited, WAIT.toMillis());
                fastest = Math.min(fastest, waited);
            }
        }
        c.check(fastest <= bound.toMillis(), "acquire(wait, lease) threw after at least %.1f ms of a %d ms wait (bound %d ms)",
                fastest, WAIT.toMillis(), bound.toMillis());
    }

    @TckRule(level = REQUIRED)
    static void TO_04_zeroWaitIsOneImmediateAttempt(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Duration bound = c.margin(Duration.ZERO);
        RecordedLease held = a.tryAcquire(Duration.ZERO, LONG).orElse(null);
        c.check(held != null, "a zero wait on a free lock did not acquire it");
        int rounds = 5;
        long[][] took = new long[3][rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b's tryAcquire(0, lease) acquired the lock a holds");
            long t1 = System.nanoTime();
            c.check(b.lock().tryAcquire().isEmpty(), "b's tryAcquire() acquired the lock a holds");
            long t2 = System.nanoTime();
            c.check(b.lock().tryAcquire(LEASE).isEmpty(), "b's tryAcquire(lease) acquired the lock a holds");
            long t3 = System.nanoTime();
            took[0][i] = t1 - t0;
            took[1][i] = t2 - t1;
            took[2][i] = t3 - t2;
        }
        String[] forms = {"tryAcquire(0, lease)", "tryAcquire()", "tryAcquire(lease)"};
        for (int f = 0; f < forms.length; f++) {
            java.util.Arrays.sort(took[f]);
            double median = Ctx.ms(took[f][rounds / 2]);
            c.check(median <= bound.toMillis(), "%s on a held lock took %.1f ms (median of %d; bound %d ms: three acquire-and-release"
                    + " times): an immediate attempt must not wait", forms[f], median, rounds, bound.toMillis());
        }
        c.observe("immediate attempts: median %.2f ms (bound %d ms)", Ctx.ms(took[0][rounds / 2]), bound.toMillis());
        held.release();
        c.checkHistory(false);
    }

    /**
     * A waiter's own timeout racing a hand-off: the holder releases just as the waiter gives up.
     * Either the waiter returns the lease (valid, and then it holds the lock), or it returns empty and
     * holds nothing: the lock is free at once, and stays free.
     */
    @TckRule(level = STOCHASTIC)
    static void TO_05_timeoutRacingAHandOffLeavesOneHolderOrNone(Ctx c) throws Exception {
        timeoutRacingAHandOff(c, c.participant("a"), c.participant("b"));
    }

    /**
     * The same race between threads of one client: a backend that hands the lock from thread to thread
     * inside a client (local cohorting) must not hand it to a thread whose wait has ended. The last round
     * releases only once the waiter has given up, so a hand-off to a waiter that left is always caught.
     */
    @TckRule(level = STOCHASTIC)
    static void TO_06_timeoutRacingAHandOffWithinOneClientLeavesOneHolderOrNone(Ctx c) throws Exception {
        Participant a = c.participant("a");
        timeoutRacingAHandOff(c, a, a.as("a.t2"));
    }

    /**
     * b's timed wait races a's release: rounds 0 to 11 release just before or after b gives up, round 12
     * after it has. Either b returns the lease (valid, and then it holds the lock), or it returns empty and
     * holds nothing: the lock is free at once, and stays free.
     */
    private static void timeoutRacingAHandOff(Ctx c, Participant a, Participant b) throws Exception {
        Participant third = c.participant("c");
        Duration wait = TckTime.millis(60);
        int won = 0;
        for (int round = 0; round <= 12; round++) {
            RecordedLease held = a.acquire(LONG);
            long asked = System.nanoTime();
            CompletableFuture<Optional<RecordedLease>> waiter = c.fork(b.id, () -> b.tryAcquire(wait, LONG));
            if (round < 12) {
                long releaseAt = asked + wait.toNanos() - TckTime.millis(3).toNanos() + (round % 4) * TckTime.millis(2).toNanos();
                c.sleep(Duration.ofNanos(releaseAt - System.nanoTime()));
            } else {
                c.await(waiter, SLACK, b.id + "'s timed wait");
            }
            held.release();
            Optional<RecordedLease> got = c.await(waiter, SLACK, b.id + "'s timed wait");
            if (got.isPresent()) {
                won++;
                c.check(got.get().lease().isValid(), "round %d: %s's wait returned an invalid lease", round, b.id);
                c.check(third.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "round %d: c acquired the lock %s's wait returned", round, b.id);
                got.get().release();
            }
            int r = round;
            third.tryAcquire(Duration.ZERO, LEASE).orElseThrow(() -> new AssertionError("round " + r + ": " + b.id + "'s wait "
                    + (got.isPresent() ? "returned a lease that was released" : "gave up") + ", " + a.id + " released, and yet c could not"
                    + " acquire at once: a timed-out wait holds the lock" + c.historyTail())).release();
            c.sleep(SHORT.dividedBy(4));
            third.tryAcquire(Duration.ZERO, LEASE).orElseThrow(() -> new AssertionError("round " + r
                    + ": the lock was taken by nobody the rule knows of: a timed-out wait acquired it later" + c.historyTail())).release();
        }
        c.observe("%d of 12 waits won the race with their own timeout", won);
        c.checkHistory(false);
    }
}
