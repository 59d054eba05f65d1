package dev.latchkey.shedlock;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Upper bounds stretch with the project-wide factor (system property latchkey.timeScale); lower bounds never do. */
final class Timing {
    static final double SCALE = Double.parseDouble(System.getProperty("latchkey.timeScale", "1"));
    private static final AtomicInteger NAMES = new AtomicInteger();

    private Timing() {
    }

    static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }

    static String name(String what) {
        return what + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    /** Waits until the condition holds, failing after {@code limit} (scaled). */
    static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(limit).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + scaled(limit) + " waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
