package dev.latchkey.spi;

import java.time.Clock;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What a client takes from its surroundings: the monotonic {@link Ticker} that leases are measured
 * with, the wall {@link Clock} a driver may read (only algorithms that compare client clocks do), and a
 * decorator applied to the driver before the engine uses it. {@link #SYSTEM} is what applications
 * get; the conformance kit passes others to skew a participant's clocks or to delay or cut its calls
 * (its client-side faults), through {@link LockProvider#open(java.net.URI, LockEnvironment)}.
 *
 * <p>A provider that honours an environment builds its driver with {@link #ticker()} and
 * {@link #clock()} (never {@code System.nanoTime()} or {@code System.currentTimeMillis()} directly)
 * and hands the environment to {@link LockEngine#client(LockDriver, java.time.Duration, LockEnvironment)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class LockEnvironment {
    /** The system's clocks and the driver as it is. */
    public static final LockEnvironment SYSTEM = new LockEnvironment(Ticker.SYSTEM, Clock.systemUTC(), UnaryOperator.identity());

    private final Ticker ticker;
    private final Clock clock;
    private final UnaryOperator<LockDriver> decorator;

    private LockEnvironment(Ticker ticker, Clock clock, UnaryOperator<LockDriver> decorator) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.decorator = Objects.requireNonNull(decorator, "decorator");
    }

    /** The monotonic clock leases are measured with, and with which drivers report {@link Grant#sentNanos()}. */
    public Ticker ticker() {
        return ticker;
    }

    /** The wall clock, for drivers whose algorithm reads one. */
    public Clock clock() {
        return clock;
    }

    /** The driver the engine will use: {@code driver} wrapped by this environment's decorators, outermost last. */
    public LockDriver decorate(LockDriver driver) {
        return Objects.requireNonNull(decorator.apply(driver), "decorator returned null");
    }

    /** This environment with another ticker. */
    public LockEnvironment withTicker(Ticker ticker) {
        return new LockEnvironment(ticker, clock, decorator);
    }

    /** This environment with another wall clock. */
    public LockEnvironment withClock(Clock clock) {
        return new LockEnvironment(ticker, clock, decorator);
    }

    /** This environment with {@code outer} applied around the driver after its current decorators. */
    public LockEnvironment withDecorator(UnaryOperator<LockDriver> outer) {
        Objects.requireNonNull(outer, "outer");
        UnaryOperator<LockDriver> inner = decorator;
        return new LockEnvironment(ticker, clock, d -> outer.apply(inner.apply(d)));
    }

    @Override
    public String toString() {
        return this == SYSTEM ? "LockEnvironment[system]" : "LockEnvironment[" + ticker + ", " + clock + "]";
    }
}
