package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lockctl bench runs the suite from the benchmarks jar in a child JVM and prints only its ratio tables on stdout. */
class BenchCommandTest {

    @Test
    void printsTheRatioTablesOfTheSuiteRunInAChildJvm(@TempDir Path dir) throws IOException {
        Path jar = fakeBenchmarksJar(dir.resolve("benchmarks.jar"));
        Cli.Result r = Cli.run("bench", "--quick", "--jar", jar.toString(), "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().startsWith("| ratio | redis-lua |") && r.out().contains("(quick=true)"), r::toString);
        assertTrue(r.err().contains("JMH progress output"), () -> "the suite's progress goes to stderr:\n" + r);

        Cli.Result json = Cli.run("bench", "--jar", jar.toString(), "--out", dir.resolve("out").toString(), "--json");
        assertEquals(ExitCodes.OK, json.code(), json::toString);
        assertFalse(json.json().get("quick").asBoolean(), json::toString);
    }

    @Test
    void missingJarIsExitThreeWithTheCommandThatBuildsIt(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench", "--quick", "--jar", dir.resolve("nope.jar").toString());
        assertEquals(ExitCodes.UNREACHABLE, r.code(), r::toString);
        assertTrue(r.err().contains("benchmarks jar not found") && r.err().contains(BenchCommand.BUILD_HINT), r::toString);
    }

    /** A jar holding only the stand-in runner, as the benchmarks module's jar holds the real one. */
    private static Path fakeBenchmarksJar(Path jar) throws IOException {
        String entry = "dev/latchkey/bench/BenchmarkRunner.class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             InputStream in = BenchCommandTest.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
