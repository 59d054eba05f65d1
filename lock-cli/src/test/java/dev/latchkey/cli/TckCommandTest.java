package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.Locks;
import dev.latchkey.cli.standin.BrokenMutexProvider;
import dev.latchkey.cli.standin.RelayProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lockctl tck: the matrix and exit 0 for a correct backend; exit 1 for a broken claim or, with
 * --strict, a skipped rule; the backend's trouble for ERROR rules; third-party jars, crash rule included.
 */
class TckCommandTest {
    /** A few quick rules; the full kit runs in lock-tck's own build. */
    private static final String RULES = "MX-01,MX-02,OW-01,FE-01";

    @Test
    void inMemoryPassesAndPrintsTheMatrix() {
        Cli.Result r = Cli.run("tck", "--uri", "inmemory:cli-tck", "--rule", RULES);
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("# Latchkey TCK matrix"), r::toString);
        assertTrue(r.out().contains("| MX-02 `MX_02_noOverlappingCriticalSections` | STOCHASTIC | MUTUAL_EXCLUSION | PASS |"), r::toString);
    }

    @Test
    void withoutUriTheDefaultBackendsRun() {
        Cli.Result r = Cli.run("tck", "--rule", "MX-01");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        for (String backend : Defaults.TCK_URIS.split(", ")) {
            String label = Locks.parse(backend).toString(); // a bare "scheme:" is parsed as "scheme:/"
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith(label + " ") || l.startsWith(label + ":")),
                    () -> backend + " should run:\n" + r);
        }
    }

    @Test
    void jsonIsOneDocumentWithTheReports(@TempDir Path dir) {
        Cli.Result r = Cli.run("tck", "--uri", "inmemory:cli-tck-json", "--rule", "MX-01", "--json", "--out", dir.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode doc = r.json();
        assertTrue(doc.get("ok").asBoolean(), r::toString);
        assertEquals("latchkey-tck-report/1", doc.get("reports").get(0).get("format").asText(), r::toString);
        assertTrue(Files.exists(dir.resolve("tck-matrix.md")), "--out gets the matrix");
    }

    @Test
    void strictFailsOnASkippedRuleAndTheConsoleSaysWhy() {
        Cli.Result lenient = Cli.run("tck", "--uri", "inmemory:cli-tck-strict", "--rule", "MX-01,FT-01");
        assertEquals(ExitCodes.OK, lenient.code(), lenient::toString);
        assertTrue(lenient.err().contains("SKIPPED FT-01 FT_01_") && lenient.err().contains("needs [SERVER_RESTART]"), lenient::toString);
        Cli.Result strict = Cli.run("tck", "--uri", "inmemory:cli-tck-strict", "--rule", "MX-01,FT-01", "--strict");
        assertEquals(ExitCodes.CHECK_FAILED, strict.code(), strict::toString);
        assertTrue(strict.err().contains("SKIPPED FT-01"), strict::toString);
    }

    @Test
    void errorRulesListTheirCauseAndExitWithTheBackendsTrouble() {
        Cli.Result r = Cli.run("tck", "--uri", "unavailable:?reason=REFUSED&at=acquire", "--rule", "MX-01,OW-03");
        assertEquals(ExitCodes.REFUSED, r.code(), () -> "an ERROR is the backend's trouble, not a failed check:\n" + r);
        assertTrue(r.err().contains("ERROR   MX-01 MX_01_") && r.err().contains("LockUnavailableException: stand-in backend: REFUSED"), r::toString);
        assertTrue(r.out().contains("# Latchkey TCK matrix"), r::toString);
    }

    @Test
    void providerFromAJarThatBreaksItsDeclaredCapabilityFails(@TempDir Path dir) throws IOException {
        Path jar = serviceJar(dir.resolve("broken-mx.jar"), BrokenMutexProvider.class);
        Cli.Result r = Cli.run("tck", "--jar", jar.toString(), "--rule", "MX-01,MX-02");
        assertEquals(ExitCodes.CHECK_FAILED, r.code(), r::toString);
        assertTrue(r.out().contains("broken-mx"), () -> "only the jar's provider is tested:\n" + r);
        assertFalse(r.out().contains("inmemory"), () -> "only the jar's provider is tested:\n" + r);
        assertTrue(r.out().contains("**FAIL**"), r::toString);
        assertTrue(r.err().contains("FAIL    MX-01"), r::toString);
    }

    @Test
    void theCrashRulesChildJvmFindsAProviderFromAJar(@TempDir Path dir) throws IOException {
        Path jar = serviceJar(dir.resolve("relay.jar"), RelayProvider.class);
        Cli.Result r = Cli.run("tck", "--jar", jar.toString(), "--uri", "relay://embedded", "--rule", "LE-04");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("| LE-04 `LE_04_") && r.out().contains("| LEASE_EXPIRY | PASS |"), r::toString);
        assertFalse(System.getProperties().containsKey(TckCommand.CHILD_CLASS_PATH), "the property is restored");
    }

    @Test
    void unknownRuleAndMissingJarAreUsageErrors(@TempDir Path dir) {
        Cli.Result rule = Cli.run("tck", "--uri", "inmemory:", "--rule", "XX-99");
        assertEquals(ExitCodes.USAGE, rule.code(), rule::toString);
        assertTrue(rule.err().contains("unknown rule id(s) [XX-99]"), rule::toString);
        Cli.Result jar = Cli.run("tck", "--jar", dir.resolve("missing.jar").toString());
        assertEquals(ExitCodes.USAGE, jar.code(), jar::toString);
        assertTrue(jar.err().contains("no such file"), jar::toString);
    }

    /**
     * A jar that registers {@code provider} for ServiceLoader. Its class is on the test class path
     * already (the jar's loader delegates to it, and a child JVM has it too); the service entry is only
     * in the jar, as a third party's would be.
     */
    private static Path serviceJar(Path jar, Class<?> provider) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.latchkey.spi.LockProvider"));
            out.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
