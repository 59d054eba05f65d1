package dev.latchkey.tck;

import static dev.latchkey.Capability.NO_POLLING;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * No polling: a release wakes a waiter at once. Handoffs are measured against a bound of 50 ms
 * (scaled) plus four uncontended acquire-and-release round trips: far below a lease, which is when
 * a waiter that missed its wake-up would notice, and below the poll intervals worth catching
 * (a waiter that polls every 150 ms or more misses the bound in most trials).
 */
@TckGroup("no polling")
final class NoPollingRules {
    static final Duration BASE = TckTime.millis(50);
    /**
     * Enough trials that a poller cannot pass by luck: a waiter polling every P ms meets the bound in
     * about bound/P of them (a quarter for 200 ms), and passing needs two thirds.
     */
    private static final int TRIALS = 25;

    private NoPollingRules() {
    }

    /** Waiters parked for a random while; a third of the handoffs may miss the bound (a pause), not more. */
    @TckRule(level = STOCHASTIC, checks = NO_POLLING)
    static void NP_01_waiterIsWokenByReleaseWithinTheHandoffBound(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        double bound = handoffBound(a);
        List<Double> handoffs = new ArrayList<>();
        for (int trial = 0; trial < TRIALS && handoffs.stream().filter(h -> h > bound).count() <= TRIALS / 3; trial++) {
            RecordedLease held = a.acquire(LONG);
            CompletableFuture<Optional<RecordedLease>> waiter = c.fork("b", () -> b.tryAcquire(SLACK, LONG));
            c.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(SHORT.toNanos() / 2, SHORT.toNanos() * 5 / 2)));
            long released = c.history.now();
            held.release();
            RecordedLease next = c.await(waiter, SLACK.multipliedBy(2), "b's wait").orElseThrow(() -> new AssertionError(
                    "b, waiting, was not granted the lock within " + SLACK.toMillis() + " ms of a's release (a lost wake-up)"));
            handoffs.add(Ctx.ms(next.acquiredAt() - released));
            next.release();
        }
        long over = handoffs.stream().filter(h -> h > bound).count();
        List<Double> sorted = new ArrayList<>(handoffs);
        Collections.sort(sorted);
        c.check(over <= TRIALS / 3, "%d of %d waiters were granted the lock later than the handoff bound of %.1f ms after the release"
                + " (handoffs in ms: %s): they look like polling", over, handoffs.size(), bound, handoffs);
        c.observe("handoff median %.2f ms, max %.2f ms, bound %.1f ms", sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), bound);
        c.checkHistory(false);
    }

    /** Three waiters pass the lock along; each release must wake the next (bound: their holds plus a second). */
    @TckRule(level = REQUIRED, checks = NO_POLLING)
    static void NP_02_eachReleaseWakesTheNextWaiter(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LONG);
        Duration hold = TckTime.millis(20);
        List<CompletableFuture<Optional<RecordedLease>>> waiters = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Participant w = c.participant("w" + i);
            waiters.add(c.fork(w.id, () -> {
                Optional<RecordedLease> got = w.tryAcquire(SLACK.multipliedBy(3), LONG);
                if (got.isPresent()) {
                    Thread.sleep(hold.toMillis());
                    got.get().release();
                }
                return got;
            }));
        }
        c.sleep(SHORT.multipliedBy(2));
        long released = c.history.now();
        held.release();
        for (CompletableFuture<Optional<RecordedLease>> w : waiters) {
            c.check(c.await(w, SLACK.multipliedBy(4), "a waiter").isPresent(), "a waiter was not woken by the chain of releases%s", c.historyTail());
        }
        double chain = Ctx.ms(c.history.now() - released);
        double limit = 3 * hold.toMillis() + SLACK.toMillis();
        c.check(chain <= limit, "three waiters, each holding %d ms, took %.1f ms to pass the lock along (bound %.1f ms)",
                hold.toMillis(), chain, limit);
        c.observe("chain of three handoffs in %.1f ms, bound %.1f ms", chain, limit);
        c.checkHistory(false);
    }

    /** A release that lands while a waiter is still setting up its wait (after its failed try) must wake it all the same. */
    @TckRule(level = STOCHASTIC, checks = NO_POLLING)
    static void NP_03_releaseRacingAWaitersArrivalStillWakesIt(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        for (int round = 0; round < 20; round++) {
            RecordedLease held = a.acquire(LONG);
            CompletableFuture<Optional<RecordedLease>> waiter = c.fork("b", () -> b.tryAcquire(SLACK.multipliedBy(2), LONG));
            c.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(TckTime.millis(3).toNanos())));
            held.release();
            RecordedLease next = c.await(waiter, SLACK.multipliedBy(3), "b's wait").orElseThrow(() -> new AssertionError(
                    "b, which began to wait just before a released, was not woken within " + SLACK.multipliedBy(2).toMillis()
                            + " ms: a release that races a waiter's arrival is lost"));
            next.release();
        }
        c.checkHistory(false);
    }

    /** 50 ms (scaled) plus four times the median uncontended acquire-and-release. */
    private static double handoffBound(Participant p) throws Exception {
        List<Double> trips = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            p.acquire(LONG).release();
            trips.add(Ctx.ms(System.nanoTime() - start));
        }
        Collections.sort(trips);
        return BASE.toMillis() + 4 * trips.get(trips.size() / 2);
    }
}
