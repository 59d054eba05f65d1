package dev.latchkey.spi;

/**
 * The monotonic clock the engine measures leases with: the seam through which tests inject time.
 * Implementations must be thread-safe and never go backwards.
 */
@FunctionalInterface
public interface Ticker {
    /** The system's {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();
}
