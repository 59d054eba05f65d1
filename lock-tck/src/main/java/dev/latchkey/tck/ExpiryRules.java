package dev.latchkey.tck;

import static dev.latchkey.Capability.LEASE_EXPIRY;
import static dev.latchkey.Capability.MUTUAL_EXCLUSION;
import static dev.latchkey.Capability.NO_POLLING;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.OPTIONAL;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Lease expiry and crash recovery: no takeover before a lease ends, takeover soon after. */
@TckGroup("lease expiry and crash recovery")
final class ExpiryRules {
    private ExpiryRules() {
    }

    @TckRule(level = REQUIRED, checks = LEASE_EXPIRY)
    static void LE_01_noTakeoverBeforeTheLeaseEnds(Ctx c) throws Exception {
        long asked = c.history.now();
        c.participant("a").acquire(LEASE);
        Optional<RecordedLease> next = c.participant("b").tryAcquire(LEASE.plus(SLACK), LEASE);
        next.ifPresent(n -> c.check(n.acquiredAt() - asked >= LEASE.toNanos(),
                "b took the lock over %.1f ms after a asked for a lease of %d ms", Ctx.ms(n.acquiredAt() - asked), LEASE.toMillis()));
        c.checkHistory(false);
    }

    /**
     * The hold ends by itself when its lease does: an immediate attempt made just after the lease plus
     * its {@link Ctx#margin} (counted from the grant's reply, the latest the server can have started
     * the lease) succeeds. Immediate attempts, not a waiter, so that a waiter's wake-up delay is not
     * counted against the expiry.
     */
    @TckRule(level = REQUIRED, checks = LEASE_EXPIRY)
    static void LE_02_takeoverSoonAfterTheLeaseEnds(Ctx c) throws Exception {
        Participant b = c.participant("b");
        Duration bound = c.within(LEASE);
        RecordedLease abandoned = c.participant("a").acquire(LEASE);
        c.sleep(Duration.ofNanos(abandoned.acquiredAt() + bound.toNanos() - c.history.now()));
        long tried = c.history.now();
        RecordedLease next = b.tryAcquire(Duration.ZERO, LEASE).orElseThrow(() -> new AssertionError(String.format(Locale.ROOT,
                "a's lease of %d ms was still held %.1f ms after it was granted (bound %d ms): it does not end on time",
                LEASE.toMillis(), Ctx.ms(tried - abandoned.acquiredAt()), bound.toMillis())));
        c.observe("free %.1f ms after a %d ms lease was granted (bound %d ms)", Ctx.ms(next.acquiredAt() - abandoned.acquiredAt()),
                LEASE.toMillis(), bound.toMillis());
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = LEASE_EXPIRY)
    static void LE_03_expiredLeaseIsInvalidAndNotifiesItsHolder(Ctx c) throws Exception {
        Participant a = c.participant("a");
        RecordedLease released = a.tryAcquire("other", Duration.ZERO, LEASE.multipliedBy(2)).orElseThrow();
        AtomicLong wrongly = new AtomicLong(-1);
        released.lease().onLost(e -> wrongly.set(c.history.now()));
        released.release();
        RecordedLease held = a.acquire(LEASE);
        CompletableFuture<Long> lostAt = new CompletableFuture<>();
        held.lease().onLost(e -> lostAt.complete(c.history.now()));
        c.check(held.lease().isValid(), "a fresh lease is not valid");
        c.outlive(held, Duration.ofMillis(1));
        c.check(!held.lease().isValid(), "the lease is still valid after its deadline");
        c.check(held.lease().remaining().isZero(), "an expired lease reports %s remaining", held.lease().remaining());
        long notified = c.await(lostAt, SLACK, "the loss listener of the expired lease");
        c.outlive(released, SHORT);
        c.check(wrongly.get() < 0, "the loss listener of a lease released normally ran");
        c.observe("listener ran %.1f ms after the deadline", Ctx.ms(notified - held.deadline()));
    }

    @TckRule(level = OPTIONAL, checks = LEASE_EXPIRY, needs = FaultKind.CLIENT_CRASH)
    static void LE_04_crashedHolderIsTakenOverAfterItsLease(Ctx c) throws Exception {
        Participant b = c.participant("b");
        if (c.harness.uri().isPresent()) {
            if (ChildProcess.crashScenario(c, c.harness.uri().get(), b)) {
                return;
            }
            c.observe("a hold taken in a child JVM was not visible here (the backend is not shared between processes):"
                    + " the holder crashes in process instead");
        }
        Participant a = c.participant("a");
        Duration bound = c.within(LEASE);
        long asked = c.history.now();
        RecordedLease held = a.acquire(LEASE);
        c.crash(a);
        c.sleep(Duration.ofNanos(asked + LEASE.toNanos() - c.margin(LEASE).toNanos() - c.history.now()));
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b took over from the crashed holder before its %d ms lease ended",
                LEASE.toMillis());
        c.sleep(Duration.ofNanos(held.acquiredAt() + bound.toNanos() - c.history.now()));
        RecordedLease next = b.tryAcquire(Duration.ZERO, LEASE).orElseThrow(() -> new AssertionError(
                "the crashed holder's " + LEASE.toMillis() + " ms lease was still held " + bound.toMillis() + " ms after its grant"));
        c.observe("in-process crash; free %.1f ms after the grant of a %d ms lease (bound %d ms)",
                Ctx.ms(next.acquiredAt() - held.acquiredAt()), LEASE.toMillis(), bound.toMillis());
        c.checkHistory(false);
    }

    /**
     * A waiter that crashes while it waits (its process gone, its acquisition still queued) may be handed
     * the lock by the next release, as a backend that grants inside the release does; but then it holds
     * the lock for its own lease at most, like a holder that crashed just after acquiring, and the lock is
     * free for an immediate attempt when that lease plus its margin has passed since the release returned.
     */
    @TckRule(level = OPTIONAL, checks = LEASE_EXPIRY, needs = FaultKind.CLIENT_CRASH)
    static void LE_07_lockHandedToACrashedWaiterIsFreeAfterThatWaitersLease(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant w = c.participant("w");
        Participant b = c.participant("b");
        Duration bound = c.within(LEASE);
        RecordedLease held = a.acquire(LONG);
        c.fork("w", () -> w.tryAcquire(PATIENCE, LEASE));
        c.sleep(SHORT);
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b acquired the lock a holds");
        c.crash(w);
        held.release();
        long released = c.history.now();
        c.sleep(Duration.ofNanos(released + bound.toNanos() - c.history.now()));
        long tried = c.history.now();
        RecordedLease next = b.tryAcquire(Duration.ZERO, LEASE).orElseThrow(() -> new AssertionError(String.format(Locale.ROOT,
                "w crashed while it waited with a %d ms lease; a released, and %.1f ms later (bound %d ms) the lock was still held:"
                        + " a lock handed to a crashed waiter must come back when that waiter's lease runs out%s",
                LEASE.toMillis(), Ctx.ms(tried - released), bound.toMillis(), c.historyTail())));
        c.observe("free %.1f ms after the release (bound %d ms)", Ctx.ms(next.acquiredAt() - released), bound.toMillis());
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = LEASE_EXPIRY)
    static void LE_05_releaseAfterTheLeaseEndedReportsTheLoss(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LEASE);
        c.outlive(held, SHORT);
        c.expectLoss(held::release, "a release after the lease ran out");
    }

    /**
     * The GETSET race: racers with different leases wait for an abandoned lock; each winner keeps
     * its lease to the end. Every hold must stay exclusive for its whole lease (a loser that rewrites
     * the expiry with its own, shorter lease breaks this) and end on time (a longer one delays it).
     */
    @TckRule(level = STOCHASTIC, checks = MUTUAL_EXCLUSION)
    static void LE_06_expiredLockIsTakenOverByExactlyOneRacer(Ctx c) throws Exception {
        Duration unit = TckTime.millis(100);
        int racers = 6;
        c.participant("a").acquire(LEASE);
        Duration budget = LEASE.plus(unit.multipliedBy(racers * (racers + 1) / 2)).plus(SLACK.multipliedBy(racers));
        List<CompletableFuture<Optional<RecordedLease>>> waits = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            Participant r = c.participant("r" + i);
            Duration lease = unit.multipliedBy(i + 1);
            waits.add(c.fork(r.id, () -> r.tryAcquire(budget, lease)));
        }
        List<RecordedLease> holds = new ArrayList<>();
        for (CompletableFuture<Optional<RecordedLease>> w : waits) {
            c.await(w, budget.plus(SLACK), "a racer").ifPresent(holds::add);
        }
        c.checkHistory(false);
        holds.sort(Comparator.comparingLong(RecordedLease::acquiredAt));
        c.check(holds.size() == racers, "only %d of %d racers got the lock within %d ms", holds.size(), racers, budget.toMillis());
        // A loser that rewrites the expiry with its own, longer lease pushes it back by a unit or more. A
        // woken racer may come half a unit late plus the margin (scheduling on a loaded machine); one that
        // polls (no NO_POLLING) may add up to its poll interval, a liveness delay, not a pushed expiry.
        long pollAllowance = c.declared(NO_POLLING) ? unit.toNanos() / 2 : unit.toNanos() * 3 / 2;
        Duration allowance = Duration.ofNanos(pollAllowance + c.margin(unit).toNanos());
        for (int i = 1; i < holds.size(); i++) {
            RecordedLease prev = holds.get(i - 1);
            double late = Ctx.ms(holds.get(i).acquiredAt() - prev.deadline());
            c.check(late <= allowance.toMillis(), "the next racer got the lock %.1f ms after %s's lease ended (allowance %d ms):"
                    + " its expiry was pushed back, or the takeover is slower than the allowance%s",
                    late, prev.process(), allowance.toMillis(), c.historyTail());
        }
    }
}
