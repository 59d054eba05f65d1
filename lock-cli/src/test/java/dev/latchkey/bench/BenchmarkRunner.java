package dev.latchkey.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for the benchmarks module's runner, with the same entry point, so that
 * {@code BenchCommandTest} can check how {@code lockctl bench} starts the suite in a child JVM
 * without running JMH. The test packs it into a jar; it is never loaded in the test JVM.
 */
public final class BenchmarkRunner {
    private BenchmarkRunner() {
    }

    public static String run(boolean quick, Path out) throws IOException {
        System.out.println("# JMH progress output would be here");
        Files.createDirectories(out);
        Files.writeString(out.resolve("benchmarks.json"), "{\"quick\": " + quick + "}");
        return "| ratio | redis-lua |\n|---|---|\n| S1 pairs/s ÷ Redisson ↑ | 1.50 (quick=" + quick + ") |";
    }
}
