package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Bad input is refused before any work starts, with one line that names the option and the value in
 * the user's units, and the documented exit code; never a stack trace. Backends that cannot serve end
 * with the exit code of their trouble.
 */
class ArgumentErrorsTest {

    /** One line on stderr containing {@code expected}, no stack trace, nothing on stdout (no work started). */
    private static void assertRefused(int code, String expected, Cli.Result r) {
        assertEquals(code, r.code(), r::toString);
        assertTrue(r.err().contains(expected), () -> "stderr should contain '" + expected + "':\n" + r);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line expected:\n" + r);
        assertEquals("", r.out(), () -> "nothing should have started:\n" + r);
    }

    @Test
    void durationsOutOfRangeAreRefusedInTheUsersUnits() {
        assertRefused(ExitCodes.USAGE, "option '--lease' must be at most 1m, was 999d", Cli.run("demo", "--lease", "999d"));
        assertRefused(ExitCodes.USAGE, "option '--hold' must be at most 10s, was 999d", Cli.run("demo", "--hold", "999d"));
        assertRefused(ExitCodes.USAGE, "option '--hold' must not be negative, was -1s", Cli.run("demo", "--hold", "-1s"));
        assertRefused(ExitCodes.USAGE, "option '--lease' must be positive, was 0", Cli.run("demo", "--lease", "0"));
        assertRefused(ExitCodes.USAGE, "option '--lease' must be at least 500ms, was 100ms", Cli.run("demo", "--lease", "100ms"));
        assertRefused(ExitCodes.USAGE, "option '--skew' must not be negative, was -2s", Cli.run("demo", "--skew", "-2s"));
        assertRefused(ExitCodes.USAGE, "option '--lease' must be at most 1d, was 2d",
                Cli.run("hold", "x", "--uri", "inmemory:", "--lease", "2d"));
        Cli.Result bad = Cli.run("demo", "--hold", "fifty");
        assertRefused(ExitCodes.USAGE, "'fifty' is not a duration", bad);
        assertTrue(bad.err().contains("--hold"), bad::toString);
    }

    @Test
    void countsOutOfRangeAreRefused() {
        assertRefused(ExitCodes.USAGE, "option '--workers' must be between 1 and 64, was 100000", Cli.run("demo", "--workers", "100000"));
        assertRefused(ExitCodes.USAGE, "option '--workers' must be between 1 and 64, was 0", Cli.run("demo", "--workers", "0"));
        assertRefused(ExitCodes.USAGE, "option '--rounds' must be between 1 and 100, was 101", Cli.run("demo", "--rounds", "101"));
        assertRefused(ExitCodes.USAGE, "must be at most 10m of holding, was 64 x 100 x 1s",
                Cli.run("demo", "--workers", "64", "--rounds", "100", "--hold", "1s"));
    }

    @Test
    void anUnwritableOutputDirectoryIsRefusedBeforeTheTckRuns() {
        // Without the check first, every rule would run (about 20 s) and the matrix would reach stdout.
        assertRefused(ExitCodes.USAGE, "option '--out': cannot write to /proc/x", Cli.run("tck", "--uri", "inmemory:", "--out", "/proc/x"));
    }

    @Test
    void booleansInUrisAreTrueOrFalseOnly() {
        assertRefused(ExitCodes.USAGE, "option 'fair' must be true or false, was 'yes'", Cli.run("inspect", "x", "--uri", "inmemory:?fair=yes"));
        assertRefused(ExitCodes.USAGE, "option 'fair' must be true or false, was '1'", Cli.run("inspect", "x", "--uri", "inmemory:?fair=1"));
        assertEquals(ExitCodes.OK, Cli.run("inspect", "x", "--uri", "inmemory:?fair=FALSE").code());
        assertEquals(ExitCodes.OK, Cli.run("inspect", "x", "--uri", "inmemory:?fair").code(), "a bare key means true");
    }

    @Test
    void unknownSchemesOptionsAndCommandsAreUsageErrors() {
        Cli.Result scheme = Cli.run("inspect", "orders", "--uri", "nosuch://127.0.0.1:6379");
        assertRefused(ExitCodes.USAGE, "unknown backend scheme 'nosuch'", scheme);
        assertTrue(scheme.err().contains("inmemory"), scheme::toString);
        assertRefused(ExitCodes.USAGE, "has no scheme", Cli.run("inspect", "orders", "--uri", "localhost"));
        assertRefused(ExitCodes.USAGE, "unknown option 'bogus'", Cli.run("inspect", "orders", "--uri", "inmemory:?bogus=1"));
        assertRefused(ExitCodes.USAGE, "missing command", Cli.run());
        assertRefused(ExitCodes.USAGE, "Missing required option: '--uri=URI'", Cli.run("inspect", "orders"));
        Cli.Result option = Cli.run("demo", "--bogus");
        assertEquals(ExitCodes.USAGE, option.code(), option::toString);
        assertTrue(option.err().contains("Unknown option: '--bogus'"), option::toString);
    }

    @Test
    void versionIsPrinted() {
        for (String flag : new String[] {"-V", "--version"}) {
            Cli.Result r = Cli.run(flag);
            assertEquals(ExitCodes.OK, r.code(), r::toString);
            assertTrue(r.out().strip().matches("lockctl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r::toString);
        }
    }

    @Test
    void jsonIsOneDocumentOnEveryPath() {
        JsonNode usage = Cli.run("demo", "--lease", "999d", "--json").json();
        assertEquals(ExitCodes.USAGE, usage.get("exitCode").asInt());
        assertEquals("option '--lease' must be at most 1m, was 999d", usage.get("error").asText());
        assertFalse(usage.get("ok").asBoolean());
        JsonNode parse = Cli.run("demo", "--json", "--bogus").json();
        assertEquals(ExitCodes.USAGE, parse.get("exitCode").asInt());
        JsonNode refused = Cli.run("inspect", "x", "--uri", "unavailable:?reason=REFUSED", "--json").json();
        assertEquals(ExitCodes.REFUSED, refused.get("exitCode").asInt());
        assertTrue(Cli.run("demo", "--help", "--json").json().get("help").asText().contains("Exit codes:"));
        assertTrue(Cli.run("inspect", "x", "--uri", "inmemory:", "--json").json().get("ok").asBoolean());
    }

    @Test
    void unreachableServerIsExitThreeNamingTheServer() {
        Cli.Result r = Cli.run("inspect", "orders", "--uri", "redis-lua://127.0.0.1:1?timeout=500ms");
        assertRefused(ExitCodes.UNREACHABLE, "backend unreachable", r);
        assertTrue(r.err().contains("127.0.0.1:1"), r::toString);
    }

    @Test
    void eachReasonABackendGivesHasItsMessageAndExitCode() {
        assertRefused(ExitCodes.UNREACHABLE, "backend unreachable: stand-in backend: UNREACHABLE",
                Cli.run("inspect", "x", "--uri", "unavailable:?reason=UNREACHABLE"));
        assertRefused(ExitCodes.UNREACHABLE, "backend not ready: stand-in backend: NOT_READY",
                Cli.run("inspect", "x", "--uri", "unavailable:?reason=NOT_READY"));
        assertRefused(ExitCodes.REFUSED, "backend refused: stand-in backend: REFUSED",
                Cli.run("inspect", "x", "--uri", "unavailable:?reason=REFUSED"));
        assertRefused(ExitCodes.REFUSED, "backend error: stand-in backend: SERVER_ERROR",
                Cli.run("inspect", "x", "--uri", "unavailable:?reason=SERVER_ERROR"));
        assertRefused(ExitCodes.TLS, "TLS mismatch: stand-in backend: TLS",
                Cli.run("demo", "--uri", "unavailable:?reason=TLS"));
    }

    @Test
    void helpListsTheExitCodes() {
        Cli.Result r = Cli.run("--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("Exit codes:") && r.out().contains("backend refused") && r.out().contains("TLS"), r::toString);
        Cli.Result sub = Cli.run("release", "--help");
        assertTrue(sub.out().contains("Exit codes:"), sub::toString);
    }
}
