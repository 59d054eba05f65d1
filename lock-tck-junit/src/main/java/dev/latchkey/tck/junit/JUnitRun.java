package dev.latchkey.tck.junit;

import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.TckMatrix;
import dev.latchkey.tck.TckReport;
import dev.latchkey.tck.TckRunner;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * One backend's run under JUnit: one dynamic test per rule, results collected for the report.
 * A FAIL fails its test; SKIPPED and OBSERVED_UNSAFE abort theirs (shown as skipped, with the
 * message) so that an unclaimed capability never fails a build; PASS and OBSERVED_SAFE pass.
 * Confined to JUnit's test thread.
 */
final class JUnitRun {
    /** The system property that makes every run strict: a rule that could not run fails its test. */
    static final String STRICT = "latchkey.tck.strict";

    private final TckHarness harness;
    private final TckRunner runner;
    private final boolean strict;
    private final List<RuleResult> results = new ArrayList<>();
    private final long start = System.nanoTime();

    private final List<String> only;

    JUnitRun(TckHarness harness, boolean strict, List<String> rules) {
        this.harness = harness;
        this.runner = new TckRunner(harness);
        this.strict = strict || Boolean.getBoolean(STRICT);
        this.only = List.copyOf(rules);
    }

    private boolean selected(Rule rule) {
        return only.isEmpty() || only.stream().anyMatch(rule.id()::startsWith);
    }

    String label() {
        return harness.label();
    }

    Stream<DynamicTest> tests() {
        return Rule.all().stream().filter(this::selected).map(rule -> dynamicTest(displayName(rule), () -> {
            RuleResult result = runner.run(rule);
            results.add(result);
            report(result);
        }));
    }

    /** Writes the JSON report and refreshes the matrix of the directory, then closes the harness. */
    void finish(Path dir) {
        try {
            TckReport report = runner.report(results, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            Path file = report.writeTo(dir);
            TckMatrix.write(dir.resolve("matrix.md"), List.of(dir));
            System.out.println("[lock-tck] " + report.summary() + " -> " + file);
            report.notes().forEach(n -> System.out.println("[lock-tck]   note: " + n));
        } finally {
            harness.close();
        }
    }

    static String displayName(Rule rule) {
        return rule.name() + " (" + rule.level() + ", " + rule.capabilityName() + ")";
    }

    private void report(RuleResult r) {
        switch (r.outcome()) {
            case FAIL:
                throw new AssertionError(r.id() + " FAIL: " + r.message());
            case ERROR:
                throw new IllegalStateException(r.id() + " ERROR (the backend failed; no verdict): " + r.message());
            case SKIPPED:
                if (strict) {
                    throw new AssertionError(r.id() + " SKIPPED in a strict run: " + r.message());
                }
                Assumptions.abort(r.id() + " SKIPPED: " + r.message());
                break;
            case OBSERVED_UNSAFE:
                Assumptions.abort(r.id() + " not claimed (" + r.capability() + "): observed UNSAFE: " + r.message());
                break;
            default:
                break;
        }
    }
}
