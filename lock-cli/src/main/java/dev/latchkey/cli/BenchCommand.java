package dev.latchkey.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl bench [--quick]}: runs the benchmark suite and prints its ratio tables.
 *
 * <p>Decision: the benchmarks (JMH, Redisson, forked JVMs) are <b>not</b> part of lockctl.jar; they
 * would double its size for a command few people run, and JMH wants its own class path for its
 * forks. The suite runs in a child JVM from the benchmarks module's own uber-jar
 * ({@code benchmarks/target/benchmarks.jar}, or {@code --jar}), entered through
 * {@link BenchBridge}. Its progress goes to stderr; the ratio tables (or with {@code --json} the
 * suite's {@code benchmarks.json}) to stdout. A missing jar is exit 3, with the command that builds it.
 */
@Command(name = "bench",         description = {"Run the benchmark suite and print its ratio tables (needs the benchmarks jar).",
                "The suite (JMH; every backend side by side with Redisson and the raw Redis round trip) runs in a child JVM "
                        + "from benchmarks/target/benchmarks.jar; build it with ./mvnw -B -q -pl benchmarks -am package -DskipTests. "
                        + "Its progress goes to stderr. Quick mode takes a few minutes; the full suite much longer."})
final class BenchCommand implements Callable<Integer> {
    static final String BUILD_HINT = "./mvnw -B -q -pl benchmarks -am package -DskipTests";

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Short warm-up and measurement, JMH in one JVM (minutes, not an hour).")
    boolean quick;

    @Option(names = "--jar", paramLabel = "FILE", description = "The benchmarks uber-jar (default: benchmarks/target/benchmarks.jar "
            + "next to this lockctl, or under the current directory).")
    Path jar;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the suite writes benchmarks.md, .json and .svg "
            + "(default: a new lockctl-bench-* directory under the system's temporary directory, named in the output); "
            + "checked for writing before the run.")
    Path out;

    @Mixin
    Options.JsonOption output;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (out != null) {
            Options.writableDirectory("--out", out);
        }
        Path benchJar = findJar().orElseThrow(() -> new CliException(ExitCodes.UNREACHABLE,
                "benchmarks jar not found" + (jar != null ? " at " + jar : " (looked for benchmarks/target/benchmarks.jar)")
                        + "; build it with: " + BUILD_HINT));
        out = out == null ? Files.createTempDirectory("lockctl-bench-") : out;
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", benchJar + File.pathSeparator + ownClassPath(), BenchBridge.class.getName(),
                quick ? "quick" : "full", out.toAbsolutePath().toString());
        PrintWriter err = spec.commandLine().getErr();
        err.println("running the benchmark suite from " + benchJar + (quick ? " (quick)" : " (full: this takes long)")
                + "; results in " + out.toAbsolutePath());
        err.flush();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> tables = new ArrayList<>();
        boolean inTables = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(BenchBridge.MARKER)) {
                    inTables = true;
                } else if (inTables) {
                    tables.add(line);
                } else {
                    err.println(line);
                    err.flush();
                }
            }
        } finally {
            child.destroy();
        }
        int code = child.waitFor();
        if (code != 0 || !inTables) {
            throw new CliException(ExitCodes.INTERNAL, "the benchmark run failed (exit " + code + "); see its output above");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (output.json) {
            Json.print(stdout, Json.parse(Files.readString(out.resolve("benchmarks.json"), StandardCharsets.UTF_8)));
        } else {
            tables.forEach(stdout::println);
        }
        return ExitCodes.OK;
    }

    private Optional<Path> findJar() {
        if (jar != null) {
            return Optional.of(jar).filter(Files::isRegularFile);
        }
        List<Path> candidates = new ArrayList<>();
        Path self = ownLocation();
        if (self != null && self.getParent() != null && self.getParent().getParent() != null) {
            // lock-cli/target/lockctl.jar (or lock-cli/target/classes) -> the reactor root
            Path root = self.getParent().getParent().getParent();
            if (root != null) {
                candidates.add(root.resolve("benchmarks/target/benchmarks.jar"));
            }
        }
        candidates.add(Path.of("benchmarks/target/benchmarks.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    private static Path ownLocation() {
        try {
            return Path.of(BenchBridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String ownClassPath() {
        Path self = ownLocation();
        return self != null ? self.toString() : System.getProperty("java.class.path");
    }
}
