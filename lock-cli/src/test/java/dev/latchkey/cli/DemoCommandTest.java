package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Short demo runs: the verdict comes from the recorded history and reports zero overlaps for correct backends. */
class DemoCommandTest {

    @Test
    void inMemoryDemoReportsNoOverlaps() {
        Cli.Result r = Cli.run("demo", "--uri", "inmemory:cli-demo", "--workers", "4", "--rounds", "3", "--hold", "5ms");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().matches("(?s).*overlapping holds +0\\b.*"), r::toString);
        assertTrue(r.out().contains("acquisitions          12/12"), r::toString);
        assertTrue(r.out().contains("safe in this run"), r::toString);
    }

    @Test
    void jsonDemoIsOneDocumentWithTheVerdict() {
        Cli.Result r = Cli.run("demo", "--uri", "inmemory:cli-demo-json", "--workers", "3", "--rounds", "2", "--hold", "1ms", "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        String out = r.out().strip();
        assertTrue(out.startsWith("{") && out.endsWith("}"), r::toString);
        assertTrue(out.contains("\"overlaps\": 0") && out.contains("\"acquired\": 6") && out.contains("\"verdict\": \"safe\""), r::toString);
    }

    @Test
    void redisDemoWithSkewShowsGetsetGrantingTwiceAndLuaNot() {
        Cli.Result r = Cli.run("demo", "--uri", "redis-getset://embedded?mode=article", "--uri", "redis-lua://embedded",
                "--workers", "6", "--rounds", "5", "--hold", "50ms", "--lease", "1s", "--skew", "2s", "--json");
        assertEquals(ExitCodes.OK, r.code(), () -> "overlaps outside a backend's claims are reported, not failed:\n" + r);
        String[] backends = r.out().split("\"backend\": ");
        assertTrue(backends[1].startsWith("\"redis-getset\"") && !backends[1].contains("\"overlaps\": 0,"), r::toString);
        assertTrue(backends[2].startsWith("\"redis-lua\"") && backends[2].contains("\"overlaps\": 0,"), r::toString);
    }

    @Test
    void crashedHolderInAChildJvmLosesTheLockWhenItsLeaseEnds() {
        Cli.Result r = Cli.run("demo", "--uri", "redis-lua://embedded", "--workers", "2", "--rounds", "1", "--crash", "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("\"grantedBeforeKill\": false"), r::toString);
        assertTrue(r.out().matches("(?s).*\"backAfterKillMillis\": \\d+.*"), r::toString);
    }
}
