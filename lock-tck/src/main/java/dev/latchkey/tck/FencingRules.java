package dev.latchkey.tck;

import static dev.latchkey.Capability.FENCING_TOKENS;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;
import static dev.latchkey.tck.Level.STOCHASTIC;

import dev.latchkey.LockLostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Fencing: tokens strictly increase per name, so a fenced resource can reject a stale holder. */
@TckGroup("fencing")
final class FencingRules {
    private FencingRules() {
    }

    @TckRule(level = REQUIRED, checks = FENCING_TOKENS)
    static void FE_01_tokensStrictlyIncreaseAcrossHolders(Ctx c) throws Exception {
        List<Participant> ps = List.of(c.participant("a"), c.participant("b"), c.participant("c"));
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            RecordedLease held = ps.get(i % ps.size()).acquire(LONG);
            tokens.add(held.token());
            held.release();
        }
        for (int i = 0; i < tokens.size(); i++) {
            c.check(tokens.get(i) > (i == 0 ? 0 : tokens.get(i - 1)), "fencing tokens of successive holders are not strictly increasing: %s", tokens);
        }
        c.observe("tokens %s", tokens);
    }

    @TckRule(level = REQUIRED, checks = FENCING_TOKENS)
    static void FE_02_takeoverAfterExpiryGetsAHigherToken(Ctx c) throws Exception {
        RecordedLease stale = c.participant("a").acquire(LEASE);
        c.outlive(stale, SHORT);
        RecordedLease next = c.participant("b").tryAcquire(SLACK, LEASE).orElse(null);
        c.precondition(next != null, "b could not take the lock over after a's lease ran out");
        c.check(next.token() > stale.token(), "b took over with token %d after a's expired lease with token %d", next.token(), stale.token());
    }

    /** Kleppmann's scenario: a holder pauses past its lease; its late write must be rejected by the fenced storage. */
    @TckRule(level = REQUIRED, checks = FENCING_TOKENS, needs = FaultKind.CLIENT_PAUSE)
    static void FE_03_pausedHoldersStaleWriteIsRejected(Ctx c) throws Exception {
        FencedRegister storage = new FencedRegister();
        RecordedLease paused = c.participant("a").acquire(LEASE);
        c.check(storage.write(paused.token(), 1), "the storage rejected a's first write");
        c.history.note("a", c.lock, "pauses past its lease (a stop-the-world pause)");
        c.outlive(paused, SHORT);
        RecordedLease next = c.participant("b").tryAcquire(SLACK, LONG).orElse(null);
        c.precondition(next != null, "b could not take the lock over after a's lease ran out");
        c.check(storage.write(next.token(), 2), "the storage rejected the write of b, the current holder, with token %d", next.token());
        c.history.note("a", c.lock, "wakes up and writes with token " + paused.token());
        c.check(!storage.write(paused.token(), 3), "a's write after its pause (token %d) was accepted after b's write (token %d):"
                + " the storage cannot tell the stale holder", paused.token(), next.token());
        c.check(storage.value() == 2, "the storage holds %d, not b's 2", storage.value());
        c.expectLoss(paused::release, "a's release after its pause");
        next.release();
    }

    @TckRule(level = STOCHASTIC, checks = FENCING_TOKENS)
    static void FE_04_concurrentHistoryHasIncreasingTokens(Ctx c) throws Exception {
        c.contend(3, 2, 10, (held, round) -> Ctx.stall());
        c.checkHistory(true);
    }

    /** Holders that sometimes stall past their lease in the middle of a read-modify-write. */
    @TckRule(level = STOCHASTIC, checks = FENCING_TOKENS, needs = FaultKind.CLIENT_PAUSE)
    static void FE_05_fencedCounterLosesNoUpdateDespitePausedHolders(Ctx c) throws Exception {
        FencedRegister counter = new FencedRegister();
        List<Participant> ps = List.of(c.participant("a"), c.participant("b"), c.participant("c"));
        List<CompletableFuture<Integer>> workers = new ArrayList<>();
        for (Participant p : ps) {
            workers.add(c.fork(p.id, () -> {
                int accepted = 0;
                for (int round = 0; round < 6; round++) {
                    RecordedLease held = p.acquire(LEASE);
                    boolean pause = round % 3 == 1;
                    if (counter.increment(held.token(), pause ? () -> sleepPast(c, held) : Ctx::stall)) {
                        accepted++;
                    }
                    try {
                        held.release();
                    } catch (LockLostException expectedAfterPause) {
                        // its lease ran out during the pause
                    }
                }
                return accepted;
            }));
        }
        int accepted = 0;
        for (var w : workers) {
            accepted += c.await(w, PATIENCE.multipliedBy(3), "a worker");
        }
        counter.lostUpdates().ifPresent(v -> c.check(false, "%s; rejected: %s", v, counter.rejected()));
        c.observe("%d of 18 increments accepted, %d stale accesses rejected", accepted, counter.rejected().size());
    }

    private static void sleepPast(Ctx c, RecordedLease held) {
        c.history.note(held.process(), c.lock, "pauses past its lease in the middle of an increment");
        try {
            c.outlive(held, SHORT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
