package dev.latchkey.tck;

import static dev.latchkey.Capability.FENCING_TOKENS;
import static dev.latchkey.Capability.LEASE_EXPIRY;
import static dev.latchkey.Capability.LEASE_RENEWAL;
import static dev.latchkey.Capability.MUTUAL_EXCLUSION;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.OPTIONAL;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Server restarts and pauses, and network partitions, injected through the harness. */
@TckGroup("faults")
final class FaultRules {
    private FaultRules() {
    }

    /** A server that forgets its locks on restart hands out a lock its holder still believes it holds. */
    @TckRule(level = OPTIONAL, checks = MUTUAL_EXCLUSION, needs = FaultKind.SERVER_RESTART)
    static void FT_01_noTakeoverBeforeTheLeaseEndsAcrossAServerRestart(Ctx c) throws Exception {
        Duration lease = LEASE.multipliedBy(8);
        RecordedLease held = c.participant("a").acquire(lease);
        c.history.note("server", c.lock, "restart");
        c.harness.restartServer();
        c.history.note("server", c.lock, "restarted");
        Duration budget = Duration.ofNanos(held.deadline() - c.history.now()).plus(SLACK).plus(SLACK);
        Optional<RecordedLease> next = c.participant("b").tryAcquireRetrying(budget, LEASE);
        c.checkHistory(false);
        c.check(next.isPresent(), "no participant could acquire within %d ms after the restart", budget.toMillis());
    }

    @TckRule(level = OPTIONAL, checks = FENCING_TOKENS, needs = FaultKind.SERVER_RESTART)
    static void FT_02_tokensKeepIncreasingAcrossAServerRestart(Ctx c) throws Exception {
        RecordedLease before = c.participant("a").acquire(LONG);
        before.release();
        c.harness.restartServer();
        c.history.note("server", c.lock, "restarted");
        RecordedLease after = c.participant("b").tryAcquireRetrying(PATIENCE, LEASE).orElseThrow(() ->
                new AssertionError("no participant could acquire within " + PATIENCE.toMillis() + " ms after the restart"));
        c.check(after.token() > before.token(), "the token after a server restart, %d, is not above the token before it, %d",
                after.token(), before.token());
    }

    /** The server freezes while a holds, until a's lease has run out; b must get the lock soon after it resumes, not before a's deadline. */
    @TckRule(level = OPTIONAL, checks = MUTUAL_EXCLUSION, needs = FaultKind.SERVER_PAUSE)
    static void FT_03_serverPauseBreaksNeitherExclusionNorRecovery(Ctx c) throws Exception {
        Duration lease = LEASE.multipliedBy(3);
        Duration pause = lease.multipliedBy(2);
        Participant b = c.participant("b");
        RecordedLease held = c.participant("a").acquire(lease);
        CompletableFuture<Optional<RecordedLease>> waiter = c.fork("b", () -> b.tryAcquireRetrying(pause.plus(SLACK.multipliedBy(3)), LEASE));
        c.history.note("server", c.lock, "pause for " + pause.toMillis() + " ms");
        c.pauseServer(pause);
        long resumed = c.history.now();
        c.history.note("server", c.lock, "resumed");
        RecordedLease next = c.await(waiter, pause.plus(SLACK.multipliedBy(4)), "b's acquisition").orElseThrow(() ->
                new AssertionError("b could not acquire within " + SLACK.multipliedBy(3).toMillis() + " ms after the server resumed"));
        c.checkHistory(false);
        double after = Ctx.ms(next.acquiredAt() - resumed);
        c.check(after <= SLACK.multipliedBy(2).toMillis(), "b acquired %.1f ms after the server resumed", after);
        c.observe("a's lease ran out %.1f ms before pauseServer returned; b acquired %.1f ms after a's deadline (%+.1f ms"
                + " from pauseServer's return)", Ctx.ms(resumed - held.deadline()), Ctx.ms(next.acquiredAt() - held.deadline()), after);
    }

    @TckRule(level = OPTIONAL, checks = LEASE_EXPIRY, needs = FaultKind.PARTITION)
    static void FT_04_partitionedHolderLearnsOfTheLossBeforeATakeover(Ctx c) throws Exception {
        partitionedHolder(c, false);
    }

    /** Renewal must report its failure before the last deadline, even when the renewal call hangs on a dead connection. */
    @TckRule(level = OPTIONAL, checks = LEASE_RENEWAL, needs = FaultKind.PARTITION)
    static void FT_05_partitionedRenewingHolderLearnsOfTheLossBeforeATakeover(Ctx c) throws Exception {
        partitionedHolder(c, true);
    }

    /**
     * a holds through a path that is then black-holed; b takes over. By then a must no longer believe
     * it holds (its lease's deadline has passed), its lease must say so at once ({@code isValid()} is
     * local and must not wait on the dead connection), and its loss listener must run by that deadline
     * (plus {@link Ctx#SHORT} for scheduling).
     */
    private static void partitionedHolder(Ctx c, boolean renew) throws Exception {
        PartitionedClient pc = c.harness.newPartitionedClient();
        c.track(pc.client());
        Duration lease = LEASE.multipliedBy(2);
        RecordedLease held = c.participant("a", pc.client()).acquire(lease);
        AtomicLong lostAt = new AtomicLong(-1);
        held.lease().onLost(e -> lostAt.compareAndSet(-1, c.history.now()));
        if (renew) {
            held.lease().renewAutomatically();
        }
        c.history.note("a", c.lock, "network black-holed");
        pc.partition().blackhole();
        try {
            RecordedLease next = c.participant("b").tryAcquireRetrying(lease.plus(SLACK).plus(SLACK), LEASE).orElse(null);
            c.precondition(next != null, "b could not take over from the partitioned holder");
            long believed = c.history.now() + Duration.between(Instant.now(), held.lease().deadline()).toNanos();
            c.check(believed <= next.acquiredAt() + TckTime.millis(1).toNanos(),
                    "b took over at %.1f ms, while a, cut off, still believed it held the lock until %.1f ms",
                    Ctx.ms(next.acquiredAt()), Ctx.ms(believed));
            Boolean valid = c.await(c.fork("a.isValid", () -> held.lease().isValid()), SHORT, "a's lease.isValid(), a local check,");
            c.check(!valid, "a's lease was still valid after b took over");
            c.sleep(Duration.ofNanos(believed + SHORT.toNanos() - c.history.now()));
            c.check(lostAt.get() >= 0, "a's loss listener had not run %d ms after its lease's deadline (%.1f ms)",
                    SHORT.toMillis(), Ctx.ms(believed));
            c.observe("a's listener ran %.1f ms after its deadline; b took over %.1f ms after it",
                    Ctx.ms(lostAt.get() - believed), Ctx.ms(next.acquiredAt() - believed));
        } finally {
            pc.partition().restore();
        }
    }
}
