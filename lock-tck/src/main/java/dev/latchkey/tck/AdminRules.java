package dev.latchkey.tck;

import static dev.latchkey.Capability.ADMIN;
import static dev.latchkey.Capability.FENCING_TOKENS;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.LONG;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;

import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Operators' calls: inspect tells the truth, forceRelease frees the lock and wakes a waiter. */
@TckGroup("admin")
final class AdminRules {
    private AdminRules() {
    }

    /**
     * inspect reports a free lock as free, a held lock's holder, its fencing token (if the backend
     * issues them) and its remaining lease within what the calls' timing allows, and the lock as free
     * again after release.
     */
    @TckRule(level = REQUIRED, checks = ADMIN)
    static void AD_01_inspectTellsTheTruth(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        LockClient operator = c.participant("operator").client;
        LockInfo free = inspect(c, operator);
        c.check(!free.isHeld() && free.remaining().isZero(), "inspect reported a free lock as %s", free);
        Duration lease = LEASE.multipliedBy(5);
        Duration margin = c.margin(Duration.ZERO);
        long asked = c.history.now();
        RecordedLease held = a.acquire(lease);
        for (int look = 0; look < 2; look++) {
            long before = c.history.now();
            LockInfo info = inspect(c, operator);
            long after = c.history.now();
            c.check(info.isHeld(), "inspect reported the lock a holds as free: %s", info);
            if (c.declared(FENCING_TOKENS)) {
                c.check(info.fencingToken() == held.token(), "inspect reported fencing token %d; a holds token %d", info.fencingToken(), held.token());
            }
            // The server started the lease between a's call (asked) and its reply (acquiredAt).
            double reported = Ctx.ms(info.remaining().toNanos());
            c.check(info.remaining().toNanos() <= held.acquiredAt() + lease.toNanos() - before + margin.toNanos(),
                    "inspect reported %.1f ms remaining of a %d ms lease granted %.1f ms earlier", reported, lease.toMillis(),
                    Ctx.ms(before - held.acquiredAt()));
            c.check(info.remaining().toNanos() >= asked + lease.toNanos() - after - margin.toNanos(),
                    "inspect reported only %.1f ms remaining of a %d ms lease granted %.1f ms earlier", reported, lease.toMillis(),
                    Ctx.ms(after - held.acquiredAt()));
            c.sleep(lease.dividedBy(4));
        }
        String aHolder = inspect(c, operator).holder();
        held.release();
        LockInfo released = inspect(c, operator);
        c.check(!released.isHeld(), "inspect reported the lock as held after a released it: %s", released);
        RecordedLease next = b.acquire(LONG);
        LockInfo bInfo = inspect(c, operator);
        c.check(bInfo.isHeld() && !String.valueOf(bInfo.holder()).equals(aHolder),
                "inspect reported the same holder for b's hold as for a's: %s", bInfo);
        next.release();
    }

    /** forceRelease frees a held lock (answering true), wakes a waiter, and leaves the former holder's lease lost. */
    @TckRule(level = REQUIRED, checks = ADMIN)
    static void AD_02_forceReleaseFreesTheLockAndWakesAWaiter(Ctx c) throws Exception {
        Participant a = c.participant("a");
        Participant b = c.participant("b");
        LockClient operator = c.participant("operator").client;
        c.check(!operator.forceRelease(c.lock), "forceRelease of a free lock answered true");
        RecordedLease held = a.acquire(LONG);
        CompletableFuture<Optional<RecordedLease>> waiter = c.fork("b", () -> b.tryAcquire(PATIENCE, LONG));
        c.sleep(SHORT);
        c.history.note("operator", c.lock, "forceRelease");
        c.check(operator.forceRelease(c.lock), "forceRelease of a held lock answered false");
        RecordedLease next = c.await(waiter, SLACK.plus(SLACK), "b's wait after forceRelease").orElseThrow(() -> new AssertionError(
                "forceRelease answered true, yet b, waiting, was not granted the lock within " + SLACK.toMillis() + " ms"));
        c.expectLoss(held::release, "a's release after an operator forced the lock free");
        if (c.declared(FENCING_TOKENS)) {
            c.check(next.token() > held.token(), "b's token %d after forceRelease is not above a's %d", next.token(), held.token());
        }
        next.release();
    }

    private static LockInfo inspect(Ctx c, LockClient operator) {
        return operator.inspect(c.lock).orElseThrow(() -> new UnsupportedOperationException("inspect returned nothing"));
    }
}
