package dev.latchkey.tck;

import static dev.latchkey.Capability.MUTUAL_EXCLUSION;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** Mutual exclusion: at most one valid lease per name, checked on recorded histories. */
@TckGroup("mutual exclusion")
final class MutualExclusionRules {
    private MutualExclusionRules() {
    }

    @TckRule(level = REQUIRED, checks = MUTUAL_EXCLUSION)
    static void MX_01_heldLockExcludesOtherParticipants(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease held = a.acquire(LONG);
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b acquired the lock at once while a held it");
        c.check(b.tryAcquire(SHORT, LEASE).isEmpty(), "b acquired the lock within %d ms while a held it", SHORT.toMillis());
        held.release();
        b.acquire(LONG).release();
        c.checkHistory(false);
    }

    @TckRule(level = STOCHASTIC, checks = MUTUAL_EXCLUSION)
    static void MX_02_noOverlappingCriticalSections(Ctx c) throws Exception {
        c.contend(4, 2, 15, (held, round) -> Thread.sleep(1));
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = MUTUAL_EXCLUSION)
    static void MX_03_acquisitionsThroughOneClientContend(Ctx c) throws Exception {
        Participant a = c.participant("a");
        RecordedLease first = a.acquire(LONG);
        c.check(a.tryAcquire(Duration.ZERO, LEASE).isEmpty(),
                "a second acquisition by the same client, on the holder's own thread, was granted while the first lease was held");
        Optional<RecordedLease> other = c.await(c.fork("a.t2", () -> a.as("a.t2").tryAcquire(Duration.ZERO, LEASE)), SLACK,
                "an acquisition on another thread");
        c.check(other.isEmpty(), "a second acquisition by the same client, on another thread, was granted while the first lease was held");
        first.release();
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = MUTUAL_EXCLUSION)
    static void MX_04_differentNamesAreIndependent(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease x = a.tryAcquire("x", Duration.ZERO, LONG).orElseThrow(() -> new AssertionError("a could not acquire free lock x"));
        c.check(b.tryAcquire("y", Duration.ZERO, LEASE).isPresent(), "b could not acquire lock y while a held only lock x");
        c.check(a.tryAcquire("z", Duration.ZERO, LEASE).isPresent(), "a could not acquire lock z while it held lock x");
        c.check(b.tryAcquire("x", Duration.ZERO, LEASE).isEmpty(), "b acquired lock x while a held it");
        x.release();
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = MUTUAL_EXCLUSION)
    static void MX_05_releaseHandsOffToBlockedWaiter(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        RecordedLease held = a.acquire(LONG);
        CompletableFuture<Optional<RecordedLease>> waiter = c.fork("b", () -> b.tryAcquire(PATIENCE, LONG));
        c.sleep(SHORT);
        c.check(!waiter.isDone(), "b's acquisition returned while a held the lock: %s", waiter);
        long released = c.history.now();
        held.release();
        RecordedLease next = c.await(waiter, SLACK.plus(SLACK), "b's acquisition after a's release")
                .orElseThrow(() -> new AssertionError("b was not granted the lock after a released it"));
        double handoff = Ctx.ms(next.acquiredAt() - released);
        c.check(handoff <= SLACK.toMillis(), "b was granted the lock %.1f ms after a's release (bound %d ms)", handoff, SLACK.toMillis());
        c.observe("handoff %.1f ms", handoff);
        next.release();
        c.checkHistory(false);
    }

    @TckRule(level = STOCHASTIC, checks = MUTUAL_EXCLUSION)
    static void MX_06_exactlyOneWinsRaceForFreeLock(Ctx c) throws Exception {
        List<Participant> racers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            racers.add(c.participant("r" + i));
        }
        for (int round = 0; round < 10; round++) {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Optional<RecordedLease>>> attempts = new ArrayList<>();
            for (Participant r : racers) {
                attempts.add(c.fork(r.id, () -> {
                    start.await();
                    return r.tryAcquire(Duration.ZERO, LONG);
                }));
            }
            start.countDown();
            List<RecordedLease> winners = new ArrayList<>();
            for (CompletableFuture<Optional<RecordedLease>> attempt : attempts) {
                c.await(attempt, SLACK.plus(SLACK), "a racing tryAcquire").ifPresent(winners::add);
            }
            c.check(winners.size() == 1, "round %d: %d of %d racers acquired the free lock: %s",
                    round, winners.size(), racers.size(), winners);
            winners.get(0).release();
        }
        c.checkHistory(false);
    }

    @TckRule(level = STOCHASTIC, checks = MUTUAL_EXCLUSION)
    static void MX_07_noLostUpdatesUnderTheLock(Ctx c) throws Exception {
        FencedRegister counter = new FencedRegister();
        c.contend(3, 2, 10, (held, round) -> counter.increment(held.token(), Ctx::stall));
        c.check(counter.rejected().isEmpty(), "the fenced counter rejected stale accesses, so holders overlapped: %s", counter.rejected());
        counter.lostUpdates().ifPresent(v -> c.check(false, "%s", v));
        c.check(counter.value() == 60, "60 increments under the lock left the counter at %d", counter.value());
        c.checkHistory(false);
    }
}
