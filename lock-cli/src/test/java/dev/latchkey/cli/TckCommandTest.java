package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.cli.broken.BrokenMutexProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lockctl tck: the matrix and exit 0 for a correct backend, exit 1 for a third-party jar that breaks its claim. */
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
    void jsonIsOneDocumentWithTheReports() {
        Cli.Result r = Cli.run("tck", "--uri", "inmemory:cli-tck-json", "--rule", "MX-01", "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().strip().startsWith("{") && r.out().contains("\"ok\": true")
                && r.out().contains("latchkey-tck-report/1"), r::toString);
    }

    @Test
    void providerFromAJarThatBreaksItsDeclaredCapabilityFails(@TempDir Path dir) throws IOException {
        Path jar = serviceJar(dir.resolve("broken-mx.jar"));
        Cli.Result r = Cli.run("tck", "--jar", jar.toString(), "--rule", "MX-01,MX-02");
        assertEquals(ExitCodes.CHECK_FAILED, r.code(), r::toString);
        assertTrue(r.out().contains("broken-mx"), () -> "only the jar's provider is tested:\n" + r);
        assertTrue(!r.out().contains("inmemory"), () -> "only the jar's provider is tested:\n" + r);
        assertTrue(r.out().contains("**FAIL**"), r::toString);
        assertTrue(r.err().contains("FAIL MX-01"), r::toString);
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
     * A jar that registers {@link BrokenMutexProvider} for ServiceLoader. Its class is on the test
     * class path already (the jar's loader delegates to it); the service entry is only in the jar.
     */
    private static Path serviceJar(Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.latchkey.spi.LockProvider"));
            out.write((BrokenMutexProvider.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
