package dev.latchkey.tck;

import static dev.latchkey.Capability.OWNER_SAFE_RELEASE;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;

import dev.latchkey.ReleaseOutcome;
import java.time.Duration;

/** Ownership: only the current holder's lease can release or extend a hold; release is idempotent. */
@TckGroup("ownership")
final class OwnershipRules {
    private OwnershipRules() {
    }

    /** The stale-DEL scenario: A's lease runs out, B takes over, A releases; B must still hold. */
    @TckRule(level = REQUIRED, checks = OWNER_SAFE_RELEASE)
    static void OW_01_staleReleaseDoesNotFreeTheSuccessor(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Participant third = c.participant("c");
        RecordedLease stale = a.acquire(LEASE);
        c.outlive(stale, SHORT);
        RecordedLease successor = b.tryAcquire(SLACK, LONG).orElse(null);
        c.precondition(successor != null, "b could not take the lock over after a's lease of %d ms ran out", LEASE.toMillis());
        c.expectLoss(stale::release, "a's release, after its lease ran out and b took over,");
        c.check(third.tryAcquire(Duration.ZERO, LEASE).isEmpty(),
                "after a's stale release a third participant acquired the lock b holds: a's release freed b's hold (the plain-DEL bug)");
        c.check(successor.release() == ReleaseOutcome.RELEASED, "b's release did not report RELEASED");
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = OWNER_SAFE_RELEASE)
    static void OW_02_staleExtendDoesNotProlongTheSuccessor(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Participant third = c.participant("c");
        RecordedLease stale = a.acquire(LEASE);
        c.outlive(stale, SHORT);
        RecordedLease successor = b.tryAcquire(SLACK, LEASE).orElse(null);
        c.precondition(successor != null, "b could not take the lock over after a's lease of %d ms ran out", LEASE.toMillis());
        c.expectLoss(() -> stale.extend(LONG), "a's extend, after its lease ran out and b took over,");
        RecordedLease next = third.tryAcquire(LEASE.plus(SLACK), LEASE).orElse(null);
        c.check(next != null, "b's lease of %d ms had not ended %d ms later: a's stale extend prolonged b's hold%s",
                LEASE.toMillis(), LEASE.plus(SLACK).toMillis(), c.historyTail());
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED)
    static void OW_03_secondReleaseReportsAlreadyReleased(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease held = a.acquire(LONG);
        c.check(held.release() == ReleaseOutcome.RELEASED, "the first release did not report RELEASED");
        c.check(held.release() == ReleaseOutcome.ALREADY_RELEASED, "a second release did not report ALREADY_RELEASED");
        RecordedLease next = b.acquire(LONG);
        c.check(held.release() == ReleaseOutcome.ALREADY_RELEASED,
                "a repeated release, after b acquired the lock, did not report ALREADY_RELEASED");
        held.lease().close();
        c.check(c.participant("c").tryAcquire(Duration.ZERO, LEASE).isEmpty(), "a's repeated release freed b's hold");
        next.release();
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED)
    static void OW_04_leaseIsNotBoundToItsThread(Ctx c) throws Exception {
        Participant a = c.participant("a");
        RecordedLease held = a.acquire(LONG);
        ReleaseOutcome outcome = c.await(c.fork("releaser", held::release), SLACK, "a release from another thread");
        c.check(outcome == ReleaseOutcome.RELEASED, "a release from another thread reported %s", outcome);
        c.check(c.participant("b").tryAcquire(Duration.ZERO, LEASE).isPresent(),
                "the lock was still held after its lease was released from another thread");
        c.checkHistory(false);
    }

    /** Thread-owned locks fail here: the stale lease and its successor share a client and a thread. */
    @TckRule(level = REQUIRED, checks = OWNER_SAFE_RELEASE)
    static void OW_05_staleLeaseDoesNotFreeItsClientsNextHold(Ctx c) throws Exception {
        Participant a = c.participant("a");
        RecordedLease stale = a.acquire(LEASE);
        c.outlive(stale, SHORT);
        RecordedLease successor = a.tryAcquire(SLACK, LONG).orElse(null);
        c.precondition(successor != null, "a could not acquire again after its lease of %d ms ran out", LEASE.toMillis());
        c.expectLoss(stale::release, "the release of a's expired first lease, on the thread that holds the second,");
        c.check(c.participant("b").tryAcquire(Duration.ZERO, LEASE).isEmpty(),
                "after the release of a's expired first lease, b acquired the lock a's second lease holds");
        c.check(successor.release() == ReleaseOutcome.RELEASED, "a's second lease's release did not report RELEASED");
        c.checkHistory(false);
    }
}
