package dev.latchkey.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * The entry point of the benchmark child process that {@code lockctl bench} starts with the
 * benchmarks jar first on its class path: calls {@code dev.latchkey.bench.BenchmarkRunner.run(quick,
 * out)} and prints its ratio tables after {@link #MARKER}, so that the parent can tell them from the
 * JMH progress output. JDK only, so that it runs on whatever class path the child has. Stateless;
 * it takes no locks itself.
 */
public final class BenchBridge {
    static final String MARKER = "----- lockctl bench: ratio tables -----";
    static final String RUNNER = "dev.latchkey.bench.BenchmarkRunner";

    private BenchBridge() {
    }

    /** {@code BenchBridge quick|full OUT_DIR}. */
    public static void main(String[] args) throws Throwable {
        Method run = Class.forName(RUNNER).getMethod("run", boolean.class, Path.class);
        Object tables;
        try {
            tables = run.invoke(null, "quick".equals(args[0]), Path.of(args[1]));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        System.out.println(MARKER);
        System.out.println(tables);
        System.exit(0); // JMH and the Redis clients may leave non-daemon threads behind
    }
}
