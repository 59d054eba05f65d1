package dev.latchkey.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.tck.Outcome;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckReport;
import dev.latchkey.tck.TckRunner;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The control for the mutants: the correct reference passes every rule it can run, so a mutant's
 * red rule is due to its defect and not to the scaffolding. The only rules it cannot run need a
 * server restart or a partition, which an in-process server has not. Reported apart from the backends.
 */
class ReferenceTckTest {
    @Test
    void theReferencePassesEveryRuleItCanRun() {
        TckReport report;
        try (RefHarness harness = RefHarness.reference()) {
            report = TckRunner.run(harness);
        }
        report.writeTo(Path.of("target", "lock-tck-selftest"));
        String bad = report.results().stream().filter(r -> r.outcome() != Outcome.PASS && r.outcome() != Outcome.SKIPPED)
                .map(RuleResult::toString).collect(Collectors.joining("\n"));
        assertTrue(bad.isEmpty(), bad);
        assertEquals(report.results().stream().filter(r -> r.outcome() == Outcome.SKIPPED).map(RuleResult::id)
                        .filter(id -> !id.startsWith("FT-01") && !id.startsWith("FT-02") && !id.startsWith("FT-04") && !id.startsWith("FT-05")
                                && !id.startsWith("FO-"))
                        .collect(Collectors.toList()), java.util.List.of(),
                "the reference skipped a rule other than those needing a server restart, a partition or a failover: " + report.skipped());
    }
}
