package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad input ends with a message naming the problem and the documented exit code, never a stack trace. */
class ArgumentErrorsTest {

    private static void assertFails(int code, String expected, Cli.Result r) {
        assertEquals(code, r.code(), r::toString);
        assertTrue(r.err().contains(expected), () -> "stderr should contain '" + expected + "':\n" + r);
        assertTrue(!r.err().contains("\tat "), () -> "no stack trace expected:\n" + r);
    }

    @Test
    void unknownSchemeIsAUsageErrorListingTheSchemesThereAre() {
        Cli.Result r = Cli.run("inspect", "orders", "--uri", "nosuch://127.0.0.1:6379");
        assertFails(ExitCodes.USAGE, "unknown backend scheme 'nosuch'", r);
        assertTrue(r.err().contains("inmemory"), r::toString);
    }

    @Test
    void uriWithoutSchemeIsAUsageError() {
        assertFails(ExitCodes.USAGE, "has no scheme", Cli.run("inspect", "orders", "--uri", "localhost"));
    }

    @Test
    void unknownUriOptionIsAUsageErrorNamingIt() {
        assertFails(ExitCodes.USAGE, "unknown option 'bogus'", Cli.run("inspect", "orders", "--uri", "inmemory:?bogus=1"));
    }

    @Test
    void badDurationIsAUsageErrorNamingTheOption() {
        Cli.Result r = Cli.run("demo", "--uri", "inmemory:", "--hold", "fifty");
        assertFails(ExitCodes.USAGE, "'fifty' is not a duration", r);
        assertTrue(r.err().contains("--hold"), r::toString);
    }

    @Test
    void outOfRangeNumbersAreUsageErrors() {
        assertFails(ExitCodes.USAGE, "'--workers' must be at least 1", Cli.run("demo", "--uri", "inmemory:", "--workers", "0"));
        assertFails(ExitCodes.USAGE, "'--lease' must be positive", Cli.run("demo", "--uri", "inmemory:", "--lease", "0s"));
    }

    @Test
    void unknownOptionAndMissingCommandAreUsageErrors() {
        assertFails(ExitCodes.USAGE, "Unknown option: '--bogus'", Cli.run("demo", "--bogus"));
        assertFails(ExitCodes.USAGE, "missing command", Cli.run());
        assertFails(ExitCodes.USAGE, "Missing required option: '--uri=URI'", Cli.run("inspect", "orders"));
    }

    @Test
    void unreachableServerIsExitThreeNamingTheServer() {
        Cli.Result r = Cli.run("inspect", "orders", "--uri", "redis-lua://127.0.0.1:1?timeout=500ms");
        assertFails(ExitCodes.UNREACHABLE, "backend unreachable", r);
        assertTrue(r.err().contains("127.0.0.1:1"), r::toString);
    }

    @Test
    void helpListsTheExitCodes() {
        Cli.Result r = Cli.run("--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("Exit codes:") && r.out().contains("backend unreachable"), r::toString);
        Cli.Result sub = Cli.run("release", "--help");
        assertTrue(sub.out().contains("Exit codes:"), sub::toString);
    }
}
