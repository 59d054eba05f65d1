package dev.latchkey.tck;

import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Ctx.WAIT;
import static dev.latchkey.tck.Level.REQUIRED;

import dev.latchkey.Lease;
import dev.latchkey.LockTimeoutException;
import java.time.Duration;
import java.util.Optional;

/** Timed waits: never give up early, never acquire after giving up, zero means one attempt. */
@TckGroup("timeouts")
final class TimeoutRules {
    private TimeoutRules() {
    }

    @TckRule(level = REQUIRED)
    static void TO_01_timedWaitDoesNotGiveUpEarly(Ctx c) throws Exception {
        c.participant("a").acquire(LONG);
        Participant b = c.participant("b");
        long start = c.history.now();
        Optional<RecordedLease> got = b.tryAcquire(WAIT, LEASE);
        double waited = Ctx.ms(c.history.now() - start);
        c.check(got.isEmpty(), "b acquired the lock a holds");
        c.check(waited >= WAIT.toMillis() - 1, "b gave up after %.1f ms of a %d ms wait", waited, WAIT.toMillis());
        c.check(waited <= WAIT.plus(SLACK).toMillis(), "b's %d ms wait lasted %.1f ms", WAIT.toMillis(), waited);
        c.observe("a %d ms wait returned after %.1f ms", WAIT.toMillis(), waited);
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
        long start = System.nanoTime();
        try {
            Lease unexpected = b.lock().acquire(WAIT, LEASE);
            c.check(false, "acquire(wait, lease) returned %s while a held the lock", unexpected);
        } catch (LockTimeoutException expected) {
            double waited = Ctx.ms(System.nanoTime() - start);
            c.check(waited >= WAIT.toMillis() - 1, "acquire(wait, lease) threw after %.1f ms of a %d ms wait", waited, WAIT.toMillis());
        }
    }

    @TckRule(level = REQUIRED)
    static void TO_04_zeroWaitIsOneImmediateAttempt(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        long start = System.nanoTime();
        RecordedLease held = a.tryAcquire(Duration.ZERO, LONG).orElse(null);
        c.check(held != null, "a zero wait on a free lock did not acquire it");
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b acquired the lock a holds");
        c.check(b.lock().tryAcquire().isEmpty(), "b's tryAcquire() acquired the lock a holds");
        double took = Ctx.ms(System.nanoTime() - start);
        c.check(took <= SLACK.toMillis(), "three immediate attempts took %.1f ms", took);
        held.release();
        c.checkHistory(false);
    }
}
