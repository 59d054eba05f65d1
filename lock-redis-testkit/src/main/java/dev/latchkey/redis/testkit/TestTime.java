package dev.latchkey.redis.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Time limits for tests, shared by the modules whose tests use this kit: upper bounds stretch with the
 * project-wide factor (system property {@code latchkey.timeScale}, else the environment variable
 * {@code LATCHKEY_TIME_SCALE}, else 1); lower bounds never do. Stateless apart from a name counter;
 * thread-safe.
 */
public final class TestTime {
    private static final double SCALE = read();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestTime() {
    }

    /** The factor in force. */
    public static double scale() {
        return SCALE;
    }

    /** {@code d} stretched by the factor. */
    public static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }

    /** A name no other test of this JVM uses: {@code <what>-<n>-<digits>}. */
    public static String name(String what) {
        return what + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    /**
     * Waits until {@code condition} holds, checking every millisecond, and throws {@link AssertionError}
     * after {@code limit} (scaled).
     */
    public static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(limit).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + scaled(limit) + " waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static double read() {
        String text = System.getProperty("latchkey.timeScale");
        if (text == null || text.isBlank()) {
            text = System.getenv("LATCHKEY_TIME_SCALE");
        }
        return text == null || text.isBlank() ? 1 : Double.parseDouble(text.strip());
    }
}
