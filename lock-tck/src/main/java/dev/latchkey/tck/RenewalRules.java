package dev.latchkey.tck;

import static dev.latchkey.Capability.LEASE_RENEWAL;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.OPTIONAL;
import static dev.latchkey.tck.Level.REQUIRED;

import dev.latchkey.ReleaseOutcome;
import java.time.Duration;

/** Renewal: extending pushes the expiry, automatic renewal keeps a hold, neither outlives a release or an expiry. */
@TckGroup("renewal")
final class RenewalRules {
    private RenewalRules() {
    }

    /**
     * An extension moves the expiry to the new lease from the extension, no earlier and no later: the
     * server started it between the call and its reply, so immediate attempts must fail until the call
     * plus the new lease and succeed from the reply plus the new lease plus its {@link Ctx#margin}.
     */
    @TckRule(level = REQUIRED, checks = LEASE_RENEWAL)
    static void RN_01_extendPushesTheExpiryBack(Ctx c) throws Exception {
        Participant b = c.participant("b");
        RecordedLease held = c.participant("a").acquire(LEASE.multipliedBy(2));
        c.sleep(LEASE.dividedBy(2));
        Duration extended = LEASE.multipliedBy(3);
        Duration margin = c.margin(extended);
        long asked = c.history.now();
        held.extend(extended);
        long answered = c.history.now();
        c.sleep(Duration.ofNanos(asked + extended.toNanos() - margin.toNanos() - c.history.now()));
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b took over %.1f ms after a extended its lease by %d ms",
                Ctx.ms(c.history.now() - asked), extended.toMillis());
        c.sleep(Duration.ofNanos(answered + extended.toNanos() + margin.toNanos() - c.history.now()));
        long tried = c.history.now();
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isPresent(), "a's hold, extended by %d ms, was still held %.1f ms after the"
                + " extension (bound %d ms): the server kept a longer lease than asked", extended.toMillis(), Ctx.ms(tried - answered),
                extended.plus(margin).toMillis());
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = LEASE_RENEWAL)
    static void RN_02_automaticRenewalKeepsTheHoldBeyondItsLease(Ctx c) throws Exception {
        Duration lease = LEASE.multipliedBy(2);
        RecordedLease held = c.participant("a").acquire(lease);
        held.lease().renewAutomatically();
        Participant b = c.participant("b");
        c.check(b.tryAcquire(lease.multipliedBy(3), LEASE).isEmpty(), "b took over a lease that was being renewed automatically");
        c.check(held.lease().isValid(), "a lease renewed automatically was not valid after three lease times");
        c.check(held.release() == ReleaseOutcome.RELEASED, "the release of a renewed lease did not report RELEASED");
        c.check(b.tryAcquire(SLACK, LEASE).isPresent(), "b could not acquire after a released its renewed lease");
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = LEASE_RENEWAL)
    static void RN_03_renewalStopsAtRelease(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LEASE.multipliedBy(2));
        held.lease().renewAutomatically();
        c.sleep(LEASE);
        held.release();
        RecordedLease next = c.participant("b").acquire(LEASE);
        RecordedLease third = c.participant("c").tryAcquire(LEASE.plus(SLACK), LEASE).orElseThrow(() ->
                new AssertionError("b's " + LEASE.toMillis() + " ms lease was still held " + LEASE.plus(SLACK).toMillis()
                        + " ms later: a's renewal went on after a released"));
        double after = Ctx.ms(third.acquiredAt() - next.acquiredAt());
        c.check(after <= LEASE.plus(SLACK).toMillis(), "b's %d ms hold lasted %.1f ms", LEASE.toMillis(), after);
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = LEASE_RENEWAL)
    static void RN_04_extendNeverResurrectsAnExpiredHold(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LEASE);
        c.outlive(held, SHORT);
        c.expectLoss(() -> held.extend(LONG), "a's extend after its lease ran out");
        c.check(c.participant("b").tryAcquire(Duration.ZERO, LEASE).isPresent(),
                "the lock was held after a's extend of an expired lease: the extend resurrected the hold");
        c.checkHistory(false);
    }

    /**
     * Extend, then crash: the hold must last for the extended lease, not the first one, and end with it
     * (a server that kept the first lease, or a longer one than asked, fails).
     */
    @TckRule(level = OPTIONAL, checks = LEASE_RENEWAL, needs = FaultKind.CLIENT_CRASH)
    static void RN_05_extendedHoldOfACrashedHolderEndsWithTheExtendedLease(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease held = a.acquire(LEASE);
        Duration extended = LEASE.multipliedBy(3);
        Duration margin = c.margin(extended);
        long asked = c.history.now();
        held.extend(extended);
        long answered = c.history.now();
        c.crash(a);
        c.sleep(Duration.ofNanos(asked + extended.toNanos() - margin.toNanos() - c.history.now()));
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b took over from the crashed holder %.1f ms after it extended its"
                + " lease by %d ms", Ctx.ms(c.history.now() - asked), extended.toMillis());
        c.sleep(Duration.ofNanos(answered + extended.toNanos() + margin.toNanos() - c.history.now()));
        long tried = c.history.now();
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isPresent(), "the crashed holder's hold, extended by %d ms, was still held %.1f ms"
                + " after the extension (bound %d ms)", extended.toMillis(), Ctx.ms(tried - answered), extended.plus(margin).toMillis());
        c.checkHistory(false);
    }
}
