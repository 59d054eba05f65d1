package dev.latchkey.tck;

import static dev.latchkey.Capability.FAIR;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Ctx.WAIT;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Fairness: waiters are granted the lock in the order they arrived. */
@TckGroup("fairness")
final class FairnessRules {
    private FairnessRules() {
    }

    @TckRule(level = REQUIRED, checks = FAIR)
    static void FR_01_waitersAreGrantedInArrivalOrder(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LONG);
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Object>> waiters = new ArrayList<>();
        List<String> arrival = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Participant w = c.participant("w" + i);
            arrival.add(w.id);
            waiters.add(c.fork(w.id, () -> {
                RecordedLease got = w.acquire(LONG);
                order.add(w.id);
                got.release();
                return null;
            }));
            c.sleep(SHORT);
        }
        held.release();
        for (CompletableFuture<Object> w : waiters) {
            c.await(w, PATIENCE, "a waiter");
        }
        c.check(List.copyOf(order).equals(arrival), "waiters that arrived in the order %s were granted the lock in the order %s",
                arrival, order);
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = FAIR)
    static void FR_02_waiterThatGaveUpDoesNotStallTheQueue(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LONG);
        Participant first = c.participant("w1");
        Participant second = c.participant("w2");
        CompletableFuture<Optional<RecordedLease>> quitter = c.fork("w1", () -> first.tryAcquire(WAIT, LEASE));
        c.sleep(SHORT);
        CompletableFuture<Optional<RecordedLease>> stayer = c.fork("w2", () -> second.tryAcquire(PATIENCE, LEASE));
        c.check(c.await(quitter, WAIT.plus(SLACK), "w1's timed wait").isEmpty(), "w1 acquired the lock a holds");
        long released = c.history.now();
        held.release();
        RecordedLease next = c.await(stayer, SLACK.plus(SLACK), "w2's wait").orElseThrow(() ->
                new AssertionError("w2 was not granted the lock after a released it; w1, ahead of it in the queue, had given up"));
        double handoff = Ctx.ms(next.acquiredAt() - released);
        c.check(handoff <= SLACK.toMillis(), "w2 was granted the lock %.1f ms after the release, behind w1 that had given up", handoff);
        c.checkHistory(false);
    }

    /**
     * Newcomers never overtake queued waiters, not even during a hand-off: while w waits in the queue,
     * an immediate attempt by a newcomer n fails while a holds, just after a releases (the lock is then
     * free for a moment, on its way to w), and until w has had its turn.
     */
    @TckRule(level = STOCHASTIC, checks = FAIR)
    static void FR_03_newcomersNeverOvertakeQueuedWaiters(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant w = c.participant("w");
        Participant n = c.participant("n");
        for (int round = 0; round < 20; round++) {
            RecordedLease held = a.acquire(LONG);
            CompletableFuture<Optional<RecordedLease>> queued = c.fork("w", () -> w.tryAcquire(PATIENCE, LONG));
            c.sleep(SHORT);
            c.check(n.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "round %d: newcomer n acquired the lock a holds", round);
            held.release();
            Optional<RecordedLease> barged = n.tryAcquire(Duration.ZERO, LEASE);
            int r = round;
            barged.ifPresent(l -> {
                l.release();
                throw new AssertionError("round " + r + ": newcomer n acquired the lock just after a released it, while w was"
                        + " queued: n overtook w" + c.historyTail());
            });
            RecordedLease turn = c.await(queued, SLACK.plus(SLACK), "w's queued wait").orElseThrow(() -> new AssertionError(
                    "round " + r + ": w, queued, was not granted the lock after a released it"));
            turn.release();
        }
        c.checkHistory(false);
    }
}
