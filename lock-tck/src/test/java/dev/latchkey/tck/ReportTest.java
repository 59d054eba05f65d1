package dev.latchkey.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static TckReport report(String label, Outcome mx, Outcome fe) {
        return new TckReport(label, List.of("MUTUAL_EXCLUSION"), List.of("CLIENT_PAUSE"), 1.5, 1234, List.of(
                new RuleResult("MX-02", "MX_02_noOverlappingCriticalSections", Level.STOCHASTIC, "mutual exclusion",
                        "MUTUAL_EXCLUSION", mx, 12, mx == Outcome.FAIL ? "p2 acquired \"x\" | early\nsecond line" : ""),
                new RuleResult("FE-01", "FE_01_tokensStrictlyIncreaseAcrossHolders", Level.REQUIRED, "fencing",
                        "FENCING_TOKENS", fe, 3, "tokens [0, 0]\ttab \\ backslash \u0001")),
                List.of("the backend read no wall clock"));
    }

    @Test
    void jsonRoundTrips(@TempDir Path dir) throws Exception {
        TckReport original = report("redis-lua (Jedis)", Outcome.FAIL, Outcome.OBSERVED_UNSAFE);
        Path file = original.writeTo(dir);
        assertEquals("redis-lua_Jedis.json", file.getFileName().toString());
        TckReport read = TckReport.fromJson(Files.readString(file));
        assertEquals(original.label(), read.label());
        assertEquals(original.declared(), read.declared());
        assertEquals(original.faults(), read.faults());
        assertEquals(1.5, read.timeScale());
        assertEquals(original.results(), read.results());
        assertEquals(original.notes(), read.notes());
        assertTrue(Files.readString(file).contains("\"outcome\" : \"OBSERVED_UNSAFE\""), Files.readString(file));
    }

    @Test
    void matrixHasARowPerBackendAndTheEvidence(@TempDir Path dir) throws Exception {
        report("alpha", Outcome.PASS, Outcome.OBSERVED_UNSAFE).writeTo(dir.resolve("a"));
        report("beta", Outcome.FAIL, Outcome.SKIPPED).writeTo(dir.resolve("b"));
        Files.writeString(dir.resolve("a").resolve("other.json"), "{\"not\": \"a report\"}");
        Path out = dir.resolve("matrix.md");
        TckMatrix.main(out.toString(), dir.resolve("a").toString(), dir.resolve("b").toString());
        String md = Files.readString(out);
        assertTrue(md.contains("| alpha | MUTUAL_EXCLUSION | 1 PASS | 1 not claimed: **UNSAFE** |"), md);
        assertTrue(md.contains("| beta | MUTUAL_EXCLUSION | 1 **FAIL** | 1 skipped |"), md);
        assertTrue(md.contains("| MX-02 `MX_02_noOverlappingCriticalSections` | STOCHASTIC | MUTUAL_EXCLUSION | PASS | **FAIL** |"), md);
        assertTrue(md.contains("**beta**, MX-02 `MX_02_noOverlappingCriticalSections`: **FAIL** — p2 acquired \"x\" \\| early / second line"), md);
    }
}
