package dev.latchkey.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleCatalogTest {
    @Test
    void rulesAreManyAndUniquelyNamed() {
        List<Rule> rules = Rule.all();
        assertTrue(rules.size() >= 35, "rules: " + rules.size());
        Set<String> ids = new HashSet<>();
        for (Rule r : rules) {
            assertTrue(ids.add(r.id()), "duplicate id " + r.id());
            assertTrue(r.name().startsWith(r.id().replace('-', '_') + "_"), r.name());
        }
    }

    @Test
    void optionalRulesAreExactlyThoseNeedingAFaultTheHarnessMayLack() {
        for (Rule r : Rule.all()) {
            boolean harnessFault = r.needs().stream().anyMatch(f -> f != FaultKind.CLIENT_PAUSE);
            assertEquals(harnessFault, r.level() == Level.OPTIONAL, r.toString());
        }
    }

    @Test
    void everyGroupOfTheDesignIsCovered() {
        Set<String> groups = new HashSet<>();
        Rule.all().forEach(r -> groups.add(r.group()));
        assertEquals(Set.of("mutual exclusion", "ownership", "reentrancy", "timeouts", "interruption",
                "lease expiry and crash recovery", "renewal", "fencing", "fairness", "async", "no polling",
                "clock skew", "faults", "late grants", "admin", "client lifecycle", "failover"), groups);
    }
}
