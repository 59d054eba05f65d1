package dev.latchkey.tck;

import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.OPTIONAL;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Late grants: when the reply that grants a lock arrives after its lease has run out (the server or
 * the network paused while it was in flight), the acquisition must not return that dead lease. It
 * may undo it and go on waiting, or time out; what it returns must be valid, and exclusive, when it
 * is returned.
 */
@TckGroup("late grants")
final class LateGrantRules {
    private LateGrantRules() {
    }

    /** The server freezes for twice the lease while a's acquisition is in flight. */
    @TckRule(level = OPTIONAL, needs = FaultKind.SERVER_PAUSE)
    static void LG_01_serverPauseDuringAnAcquisitionNeverYieldsADeadLease(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Duration pause = LEASE.multipliedBy(2);
        c.history.note("server", c.lock, "pause for " + pause.toMillis() + " ms while a acquires");
        c.harness.pauseServer();
        CompletableFuture<Optional<RecordedLease>> acquiring;
        try {
            acquiring = c.fork("a", () -> a.tryAcquire(PATIENCE, LEASE));
            c.sleep(pause);
        } finally {
            c.harness.resumeServer();
        }
        c.history.note("server", c.lock, "resumed");
        judge(c, a, b, c.await(acquiring, PATIENCE.plus(SLACK), "a's acquisition across the pause"));
    }

    /** The reply to a's acquisition reaches a only twice the lease later (a stalled network or process). */
    @TckRule(level = OPTIONAL, needs = FaultKind.CLIENT_DELAY)
    static void LG_02_lateReplyToAnAcquisitionNeverYieldsADeadLease(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        c.faults(a).delayNextAcquireReply(LEASE.multipliedBy(2));
        c.history.note("a", c.lock, "the reply to its next grant is delayed by " + LEASE.multipliedBy(2).toMillis() + " ms");
        judge(c, a, b, a.tryAcquire(PATIENCE, LEASE));
    }

    /** Whatever came back must be valid when returned, and exclusive while a believes it holds. */
    private static void judge(Ctx c, Participant a, Participant b, Optional<RecordedLease> got) throws Exception {
        c.check(got.isPresent(), "a could not acquire a free lock within %d ms after the delay", PATIENCE.toMillis());
        RecordedLease held = got.get();
        double left = Ctx.ms(held.deadline() - held.acquiredAt());
        c.check(left > 0, "a's acquisition returned a lease that was already dead (%.1f ms left of %d ms)", left, LEASE.toMillis());
        boolean other = b.tryAcquire(Duration.ZERO, LEASE).isPresent();
        boolean stillValid = held.lease().isValid();
        c.check(!(other && stillValid), "b acquired the lock while a's lease, returned after the delay, was still valid:"
                + " a holds nothing%s", c.historyTail());
        c.checkHistory(false);
        c.observe("returned with %.1f ms of its %d ms lease left", left, LEASE.toMillis());
    }
}
