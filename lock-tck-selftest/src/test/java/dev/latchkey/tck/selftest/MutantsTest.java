package dev.latchkey.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.tck.Outcome;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckRunner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The TCK's power: every {@link Mutant} must be killed, that is, turn its target rule to FAIL, in
 * each of three runs: a rule that catches its defect only some of the time is a bug in the rule.
 * Writes {@code target/lock-tck/mutants.json}; the build fails if any mutant survives a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutantsTest {
    private static final int RUNS = 3;

    private record Kill(Mutant mutant, Rule rule, boolean killed, int runs, int kills, RuleResult last) {
    }

    private final List<Kill> kills = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyMutantIsKilledByItsTargetRule() {
        return Arrays.stream(Mutant.values()).map(m -> DynamicTest.dynamicTest(m.name() + " killed by " + m.target, () -> {
            Rule rule = Rule.all().stream().filter(r -> r.id().equals(m.target)).findFirst().orElseThrow();
            Kill kill = run(m, rule);
            kills.add(kill);
            assertTrue(kill.killed, m + " (" + m.defect + ") survived " + rule.name() + " in " + (kill.runs - kill.kills)
                    + " of " + kill.runs + " runs: " + kill.last);
        }));
    }

    @AfterAll
    void writeReport() throws IOException {
        long killed = kills.stream().filter(Kill::killed).count();
        List<Map<String, Object>> mutants = new ArrayList<>();
        for (Kill k : kills) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mutant", k.mutant.name());
            m.put("defect", k.mutant.defect);
            m.put("rule", k.rule.id());
            m.put("ruleName", k.rule.name());
            m.put("killed", k.killed);
            m.put("runs", k.runs);
            m.put("kills", k.kills);
            m.put("outcome", k.last.outcome().name());
            mutants.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("killed", killed);
        root.put("total", kills.size());
        root.put("mutants", mutants);
        Path out = Path.of("target", "lock-tck", "mutants.json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), root);
        assertEquals(Mutant.values().length, kills.size(), "every mutant ran");
        assertEquals(kills.size(), killed, "mutants killed");
    }

    private static Kill run(Mutant m, Rule rule) {
        RuleResult survived = null;
        RuleResult last = null;
        int kills = 0;
        for (int i = 1; i <= RUNS; i++) {
            try (RefHarness harness = m.harness()) {
                last = new TckRunner(harness).run(rule);
            }
            if (last.outcome() == Outcome.FAIL) {
                kills++;
            } else {
                survived = last;
            }
        }
        return new Kill(m, rule, kills == RUNS, RUNS, kills, survived != null ? survived : last);
    }
}
