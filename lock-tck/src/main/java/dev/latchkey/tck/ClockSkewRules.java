package dev.latchkey.tck;

import static dev.latchkey.Capability.CLOCK_INDEPENDENT;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.OPTIONAL;

import java.time.Duration;

/**
 * Clock skew: a participant whose wall clock is off must neither take over a valid hold nor have its
 * own hold taken over early. The article's algorithm, which stores client timestamps, fails both.
 */
@TckGroup("clock skew")
final class ClockSkewRules {
    private static final Duration SKEW = Duration.ofMinutes(1);

    private ClockSkewRules() {
    }

    @TckRule(level = OPTIONAL, checks = CLOCK_INDEPENDENT, needs = FaultKind.CLOCK_SKEW)
    static void CS_01_participantWithClockAheadCannotTakeOverAValidHold(Ctx c) throws Exception {
        RecordedLease held = c.participant("a").acquire(LEASE.multipliedBy(4));
        Participant ahead = c.skewed("b+60s", SKEW);
        c.check(ahead.tryAcquire(LEASE, LEASE).isEmpty(), "b, whose clock runs %d s ahead, took over a's valid lease%s",
                SKEW.toSeconds(), c.historyTail());
        held.release();
        c.check(ahead.tryAcquire(SLACK, LEASE).isPresent(), "b, whose clock runs ahead, could not acquire the free lock");
        c.checkHistory(false);
    }

    @TckRule(level = OPTIONAL, checks = CLOCK_INDEPENDENT, needs = FaultKind.CLOCK_SKEW)
    static void CS_02_holderWithClockBehindIsNotTakenOverEarly(Ctx c) throws Exception {
        RecordedLease held = c.skewed("a-60s", SKEW.negated()).acquire(LEASE.multipliedBy(4));
        c.check(c.participant("b").tryAcquire(LEASE, LEASE).isEmpty(), "b took over the valid lease of a, whose clock runs %d s behind%s",
                SKEW.toSeconds(), c.historyTail());
        held.release();
        c.checkHistory(false);
    }
}
