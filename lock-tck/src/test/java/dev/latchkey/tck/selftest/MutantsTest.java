package dev.latchkey.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.tck.Outcome;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The TCK's power: every {@link Mutant} must be killed, that is, turn its target rule to FAIL.
 * A stochastic target gets up to three runs. Writes {@code target/lock-tck/mutants.json}; the build
 * fails if any mutant survives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutantsTest {
    private static final int STOCHASTIC_RUNS = 3;

    private record Kill(Mutant mutant, Rule rule, boolean killed, int runs, RuleResult last) {
    }

    private final List<Kill> kills = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyMutantIsKilledByItsTargetRule() {
        return Arrays.stream(Mutant.values()).map(m -> DynamicTest.dynamicTest(m.name() + " killed by " + m.target, () -> {
            Rule rule = Rule.all().stream().filter(r -> r.id().equals(m.target)).findFirst().orElseThrow();
            Kill kill = run(m, rule);
            kills.add(kill);
            assertTrue(kill.killed, m + " (" + m.defect + ") survived " + rule.name() + ": " + kill.last);
        }));
    }

    @AfterAll
    void writeReport() throws IOException {
        long killed = kills.stream().filter(Kill::killed).count();
        String mutants = kills.stream().map(k -> String.format(Locale.ROOT,
                "    {\"mutant\": \"%s\", \"defect\": \"%s\", \"rule\": \"%s\", \"ruleName\": \"%s\", \"killed\": %s, \"runs\": %d, \"outcome\": \"%s\"}",
                k.mutant, k.mutant.defect, k.rule.id(), k.rule.name(), k.killed, k.runs, k.last.outcome()))
                .collect(Collectors.joining(",\n"));
        Path out = Path.of("target", "lock-tck", "mutants.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "{\n  \"killed\": " + killed + ",\n  \"total\": " + kills.size() + ",\n  \"mutants\": [\n"
                + mutants + "\n  ]\n}\n");
        assertEquals(Mutant.values().length, kills.size(), "every mutant ran");
        assertEquals(kills.size(), killed, "mutants killed");
    }

    private static Kill run(Mutant m, Rule rule) {
        int runs = rule.level() == dev.latchkey.tck.Level.STOCHASTIC ? STOCHASTIC_RUNS : 1;
        RuleResult last = null;
        for (int i = 1; i <= runs; i++) {
            try (RefHarness harness = m.harness()) {
                last = new TckRunner(harness).run(rule);
            }
            if (last.outcome() == Outcome.FAIL) {
                return new Kill(m, rule, true, i, last);
            }
        }
        return new Kill(m, rule, false, runs, last);
    }
}
