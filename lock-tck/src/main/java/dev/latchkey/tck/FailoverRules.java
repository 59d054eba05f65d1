package dev.latchkey.tck;

import static dev.latchkey.Capability.FAILOVER_SAFE;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.OPTIONAL;

import dev.latchkey.LockUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover of a replicated server: the primary dies with writes it acknowledged but never replicated,
 * and a replica is promoted. A backend that counts a grant before a replica has it grants the lock
 * twice; one that waits for the replica's acknowledgement refuses (or undoes) the grant instead.
 */
@TckGroup("failover")
final class FailoverRules {
    private FailoverRules() {
    }

    /** a's grant (not yet replicated, if the backend does not wait for a replica) must not let b in after the failover. */
    @TckRule(level = OPTIONAL, checks = FAILOVER_SAFE, needs = FaultKind.FAILOVER)
    static void FO_01_noTwoHoldersAcrossAFailover(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        Duration lease = LEASE.multipliedBy(10);
        c.harness.prepareFailover();
        c.history.note("server", c.lock, "replication held back");
        Optional<RecordedLease> held = tryQuietly(a, lease);
        c.history.note("server", c.lock, "failover");
        c.harness.failover();
        c.history.note("server", c.lock, "failed over");
        Optional<RecordedLease> next = b.tryAcquireRetrying(SLACK, LEASE);
        c.checkHistory(false);
        c.observe("a %s before the failover; b %s after it", held.isPresent() ? "held" : "was refused",
                next.isPresent() ? "acquired" : "did not acquire while a held");
    }

    /** Tokens granted after a failover are above every token granted (and acknowledged) before it. */
    @TckRule(level = OPTIONAL, checks = FAILOVER_SAFE, needs = FaultKind.FAILOVER)
    static void FO_02_tokensNeverGoBackAcrossAFailover(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease first = a.acquire(LEASE);
        first.release();
        c.harness.prepareFailover();
        long highest = first.token();
        Optional<RecordedLease> unreplicated = tryQuietly(a, LEASE);
        if (unreplicated.isPresent()) {
            highest = Math.max(highest, unreplicated.get().token());
            releaseQuietly(unreplicated.get());
        }
        c.harness.failover();
        RecordedLease after = b.tryAcquireRetrying(PATIENCE, LEASE).orElseThrow(() ->
                new AssertionError("no participant could acquire within " + PATIENCE.toMillis() + " ms after the failover"));
        c.check(after.token() > highest, "the token after the failover, %d, is not above %d, granted before it", after.token(), highest);
    }

    /** After the promotion the lock can be acquired again, at once if it is free and within the old lease if not. */
    @TckRule(level = OPTIONAL, checks = FAILOVER_SAFE, needs = FaultKind.FAILOVER)
    static void FO_03_theLockIsAvailableSoonAfterTheFailover(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease held = a.acquire(LEASE);
        c.harness.prepareFailover();
        c.harness.failover();
        long promoted = c.history.now();
        long budget = Math.max(0, held.deadline() - promoted) + c.margin(LEASE).toNanos() + SLACK.toNanos();
        RecordedLease next = b.tryAcquireRetrying(Duration.ofNanos(budget), LEASE).orElseThrow(() -> new AssertionError(
                "the lock could not be acquired within " + Duration.ofNanos(budget).toMillis() + " ms after the failover"));
        c.observe("acquired %.1f ms after the new primary served", Ctx.ms(next.acquiredAt() - promoted));
        c.checkHistory(false);
    }

    /**
     * A holder whose hold did not survive the failover learns it before its local deadline: its
     * renewal, extend or release reports the loss, and its lease is no longer valid.
     */
    @TckRule(level = OPTIONAL, checks = FAILOVER_SAFE, needs = FaultKind.FAILOVER)
    static void FO_04_aHolderWhoseHoldWasLostLearnsItBeforeItsDeadline(Ctx c) throws Exception {
        Participant a = c.participant("a");
        c.harness.prepareFailover();
        Optional<RecordedLease> maybe = tryQuietly(a, LEASE.multipliedBy(10));
        if (maybe.isEmpty()) {
            // A backend that waits for its replicas refuses a grant it cannot replicate: there is no hold to lose.
            c.harness.failover();
            c.observe("the backend refused the grant it could not replicate: no hold could be lost");
            return;
        }
        RecordedLease held = maybe.get();
        AtomicLong lostAt = new AtomicLong(-1);
        held.lease().onLost(e -> lostAt.compareAndSet(-1, c.history.now()));
        held.lease().renewAutomatically();
        c.harness.failover();
        long deadline = c.history.now() + Duration.between(Instant.now(), held.lease().deadline()).toNanos();
        c.sleep(SHORT);
        boolean lost = false;
        long end = System.nanoTime() + Math.max(0, deadline - c.history.now());
        while (!lost && System.nanoTime() < end) {
            lost = lostAt.get() >= 0 || !held.lease().isValid();
            Thread.sleep(5);
        }
        if (!lost) {
            try {
                held.extend(LEASE.multipliedBy(10));
            } catch (RuntimeException reported) {
                lost = true; // the extend reported it
            }
        }
        boolean stillHeldOnTheNewPrimary = c.participant("b").tryAcquire(Duration.ZERO, LEASE).isEmpty();
        c.check(lost || stillHeldOnTheNewPrimary, "a's hold did not survive the failover (b could acquire), and yet a's"
                + " lease stayed valid, with no loss reported, until its deadline");
    }

    private static Optional<RecordedLease> tryQuietly(Participant p, Duration lease) throws InterruptedException {
        try {
            return p.tryAcquire(SLACK, lease);
        } catch (LockUnavailableException refused) {
            return Optional.empty(); // not acknowledged by a replica in time: nothing held
        }
    }

    private static void releaseQuietly(RecordedLease lease) {
        try {
            lease.release();
        } catch (RuntimeException ignored) {
            // the hold may be gone already
        }
    }
}
