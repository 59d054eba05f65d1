package dev.latchkey.redis.embedded;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Scalable time limits for tests: the factor is the system property {@code latchkey.timeScale},
 * else the environment variable {@code LATCHKEY_TIME_SCALE}, else 1.
 */
final class Timing {

    private static final double SCALE = Double.parseDouble(firstNonBlank(
            System.getProperty("latchkey.timeScale"), System.getenv("LATCHKEY_TIME_SCALE"), "1"));

    private Timing() {
    }

    static Duration scaled(Duration limit) {
        return Duration.ofMillis((long) (limit.toMillis() * SCALE));
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Polls until the condition holds, failing after the scaled limit. */
    static void await(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + scaled(limit).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + scaled(limit) + " waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted waiting until " + what);
            }
        }
    }

    /** Whether no process has this pid; a zombie (exited, not yet reaped) still counts as one. */
    static boolean exited(long pid) {
        return ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true);
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        throw new IllegalArgumentException("no value");
    }
}
