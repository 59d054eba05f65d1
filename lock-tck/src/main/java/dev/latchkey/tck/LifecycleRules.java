package dev.latchkey.tck;

import static dev.latchkey.Capability.NO_POLLING;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A client's life: closing it gives its locks back, a new client works at once, and idleness breaks nothing. */
@TckGroup("client lifecycle")
final class LifecycleRules {
    /** Longer than the usual idle timers of a client: lingering subscriptions, pooled connections. */
    private static final Duration IDLE = TckTime.millis(2_500);

    private LifecycleRules() {
    }

    /** Closing a client releases what it holds at once; a new client of the same participant then works. */
    @TckRule(level = REQUIRED)
    static void CL_01_closingAClientReleasesItsLocks(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease held = a.acquire(LONG);
        RecordedLease other = a.tryAcquire("other", Duration.ZERO, LONG).orElseThrow(() -> new AssertionError("a free lock was held"));
        c.history.note("a", c.lock, "closes its client");
        a.client.close();
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isPresent(), "a closed its client, and b could not acquire the lock a held:"
                + " close did not release it");
        c.check(b.tryAcquire("other", Duration.ZERO, LEASE).isPresent(), "a closed its client, and b could not acquire the second"
                + " lock a held");
        c.check(!held.lease().isValid() && !other.lease().isValid(), "a lease of a closed client was still valid");
        Participant again = c.participant("a'");
        c.check(again.tryAcquire("third", Duration.ZERO, LEASE).isPresent(), "a new client of the participant could not acquire a free lock");
        // no history check: a's holds ended with its client, which the history cannot see
    }

    /**
     * After a client has been idle for a while (longer than subscriptions linger and pooled connections
     * idle), a release still wakes its waiter at once.
     */
    @TckRule(level = REQUIRED, checks = NO_POLLING)
    static void CL_02_aWaiterIsStillWokenAfterItsClientWasIdle(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        b.acquire(LONG).release(); // b has waited and been woken before: whatever it set up then is now idle
        c.history.note("b", c.lock, "idle for " + IDLE.toMillis() + " ms");
        c.sleep(IDLE);
        RecordedLease held = a.acquire(LONG);
        CompletableFuture<Optional<RecordedLease>> waiter = c.fork("b", () -> b.tryAcquire(SLACK, LONG));
        c.sleep(SHORT);
        long released = c.history.now();
        held.release();
        RecordedLease next = c.await(waiter, SLACK.multipliedBy(2), "b's wait after an idle period").orElseThrow(() ->
                new AssertionError("b, idle and then waiting, was not granted the lock within " + SLACK.toMillis()
                        + " ms of a's release: its wake-up was lost"));
        Duration bound = c.within(NoPollingRules.BASE);
        double handoff = Ctx.ms(next.acquiredAt() - released);
        c.check(handoff <= bound.toMillis(), "after an idle period, b was granted the lock %.1f ms after a's release (bound %d ms):"
                + " its wake-up was lost", handoff, bound.toMillis());
        c.observe("hand-off after %d ms idle: %.1f ms", IDLE.toMillis(), handoff);
        next.release();
        c.checkHistory(false);
    }
}
