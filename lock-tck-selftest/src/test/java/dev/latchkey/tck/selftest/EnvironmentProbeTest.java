package dev.latchkey.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Outcome;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.TckRunner;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The runner's environment probe (one acquire and release in a counting environment, before the first
 * rule) must not let one busy moment decide what a run checks: a probe that fails is asked again, and
 * one that always fails turns the rules needing client-side faults into ERROR, never into SKIPPED.
 */
class EnvironmentProbeTest {

    /** The reference, whose first {@code failures} clients in a non-system environment cannot be opened. */
    private static final class Busy implements TckHarness {
        private final RefHarness reference = RefHarness.reference();
        private final AtomicInteger failures;

        Busy(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public String label() {
            return "busy reference";
        }

        @Override
        public LockClient newClient(LockEnvironment env) {
            if (env != LockEnvironment.SYSTEM && failures.getAndDecrement() > 0) {
                throw new LockUnavailableException("busy: not acknowledged in time", LockUnavailableException.Reason.UNREACHABLE, null);
            }
            return reference.newClient(env);
        }

        @Override
        public Set<Capability> declared() {
            return reference.declared();
        }

        @Override
        public Set<FaultKind> faults() {
            return reference.faults();
        }

        @Override
        public void close() {
            reference.close();
        }
    }

    private static Rule rule(String id) {
        return Rule.all().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aProbeThatFailsAndThenSucceeds_keepsEveryClientSideFault() {
        try (Busy harness = new Busy(TckRunner.PROBE_ATTEMPTS - 1)) {
            TckRunner runner = new TckRunner(harness);
            assertTrue(runner.faults().containsAll(Set.of(FaultKind.CLOCK_SKEW, FaultKind.CLIENT_DELAY, FaultKind.CLIENT_CRASH)),
                    runner.faults() + " " + runner.notes());
            assertEquals(Outcome.PASS, runner.run(rule("CS-01")).outcome());
        }
    }

    @Test
    void aProbeThatAlwaysFails_makesTheRulesNeedingClientSideFaultsErrors() {
        try (Busy harness = new Busy(Integer.MAX_VALUE)) {
            TckRunner runner = new TckRunner(harness);
            assertTrue(runner.notes().stream().anyMatch(n -> n.contains("failed " + TckRunner.PROBE_ATTEMPTS + " times")), runner.notes()::toString);
            for (String id : new String[] {"CS-01", "LG-02", "LE-07"}) { // needs CLOCK_SKEW, needs CLIENT_DELAY, checks in the body
                RuleResult r = runner.run(rule(id));
                assertEquals(Outcome.ERROR, r.outcome(), r::toString);
                assertTrue(r.message().contains("busy: not acknowledged in time"), r::toString);
            }
        }
    }
}
