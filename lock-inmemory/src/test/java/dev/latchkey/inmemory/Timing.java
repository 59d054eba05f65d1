package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.fail;

import dev.latchkey.LockClient;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Timing for tests: upper bounds stretch with the {@code latchkey.timeScale} system property (the
 * project-wide factor); lower bounds never do.
 */
final class Timing {
    static final double SCALE = Double.parseDouble(System.getProperty("latchkey.timeScale", "1"));

    private Timing() {
    }

    /** A generous upper bound, stretched by the scale factor. */
    static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }

    static long scaledMillis(long millis) {
        return (long) (millis * SCALE);
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    /** Waits (briefly parking, never on a fixed sleep) until the condition holds, failing after a generous bound. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(Duration.ofSeconds(5)).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** Waits until the backend reports {@code n} waiters queued on {@code name}. */
    static void awaitWaiters(LockClient client, String name, int n) {
        awaitCondition(n + " waiter(s) queued on '" + name + "'", () -> client.inspect(name).orElseThrow().waiters() == n);
    }
}
