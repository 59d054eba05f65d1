package dev.latchkey.tck.junit;

import dev.latchkey.tck.TckHarness;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The JUnit 5 entry point for a backend's own build: subclass it and return a harness.
 *
 * <pre>{@code
 * class MyLockTckTest extends LockTck {
 *     @Override
 *     protected TckHarness harness() {
 *         return new MyHarness(); // label() and newClient(), plus any faults it can inject
 *     }
 * }
 * }</pre>
 *
 * Every rule becomes one dynamic test named after it. A FAIL (a declared capability broken) fails
 * its test, and so does an ERROR (the backend failed: out of memory, refused login, unreachable);
 * a SKIPPED rule (unless {@link #strict()}) and an OBSERVED_UNSAFE probe (a capability not declared)
 * are aborted with their message, so they show as skipped and never fail the build; all of them are in the
 * JSON report written to {@link #reportDirectory()} after the last rule, together with a refreshed
 * {@code matrix.md} of every report in that directory.
 *
 * <p>One instance per class; JUnit runs its tests one at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LockTck {
    private JUnitRun run;

    /** The harness under test; called once per class. The TCK closes it after the last rule. */
    protected abstract TckHarness harness();

    /**
     * Whether a rule that could not run (a fault the harness cannot inject, an unmet precondition)
     * fails its test instead of being reported as skipped. False by default; the system property
     * {@code latchkey.tck.strict=true} makes every run strict.
     */
    protected boolean strict() {
        return false;
    }

    /**
     * The rules to run, as rule ids or id prefixes ({@code "MX-"}, {@code "FO-01"}); empty (the
     * default) runs every rule. A certification run is a full one.
     */
    protected List<String> selectedRules() {
        return List.of();
    }

    /** Where the JSON report and the matrix go: {@code target/lock-tck} by default. */
    protected Path reportDirectory() {
        return Path.of("target", "lock-tck");
    }

    /** One dynamic test per rule. */
    @TestFactory
    public final Stream<DynamicTest> rules() {
        run = new JUnitRun(harness(), strict(), selectedRules());
        return run.tests();
    }

    /** Writes the report and the matrix. */
    @AfterAll
    public final void writeReport() {
        if (run != null) {
            run.finish(reportDirectory());
        }
    }
}
