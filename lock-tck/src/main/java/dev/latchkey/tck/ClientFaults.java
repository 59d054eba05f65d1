package dev.latchkey.tck;

import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.ForwardingLockDriver;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client-side faults the TCK injects through a participant's {@link LockEnvironment}, for every
 * backend whose provider honours it: a wall clock that is off ({@link FaultKind#CLOCK_SKEW}), a
 * delayed reply to an acquisition ({@link FaultKind#CLIENT_DELAY}), and a kill switch that makes the
 * participant fall silent as a crashed process would ({@link FaultKind#CLIENT_CRASH} in process).
 * The environment also counts how often its clocks are read, so the TCK can tell whether the
 * backend measures time through it at all.
 *
 * <p>Thread-safe.
 */
final class ClientFaults {
    private final AtomicLong tickerReads = new AtomicLong();
    private final AtomicLong clockReads = new AtomicLong();
    private final Duration skew;
    private volatile boolean dead;
    private volatile long delayNextAcquireNanos;

    ClientFaults(Duration skew) {
        this.skew = skew;
    }

    /** The environment of one participant. */
    LockEnvironment environment() {
        Ticker ticker = () -> {
            tickerReads.incrementAndGet();
            return System.nanoTime();
        };
        return LockEnvironment.SYSTEM.withTicker(ticker).withClock(new CountingClock(skew, clockReads)).withDecorator(Faulty::new);
    }

    long tickerReads() {
        return tickerReads.get();
    }

    long clockReads() {
        return clockReads.get();
    }

    /**
     * From now on every call of this participant fails without reaching the backend, as after a crash; and
     * an acquisition already under way never reports its grant (the process that would have used it is
     * gone), so a lock handed to it stays held until its lease runs out.
     */
    void kill() {
        dead = true;
    }

    /** The next acquisition that is granted reports its grant only {@code delay} later. */
    void delayNextAcquireReply(Duration delay) {
        delayNextAcquireNanos = delay.toNanos();
    }

    private void checkAlive() {
        if (dead) {
            throw new LockUnavailableException("the participant has crashed (TCK kill switch)");
        }
    }

    /** The driver as the engine sees it: dead after {@link #kill()}, late once after {@link #delayNextAcquireReply}. */
    private final class Faulty extends ForwardingLockDriver {
        Faulty(LockDriver inner) {
            super(inner);
        }

        @Override
        public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
            checkAlive();
            Grant grant = super.acquire(name, token, leaseMillis, waitNanos);
            checkAlive(); // crashed while it waited: the grant goes nowhere, and nothing will release it
            long delay = delayNextAcquireNanos;
            if (grant != null && delay > 0) {
                delayNextAcquireNanos = 0;
                TimeUnit.NANOSECONDS.sleep(delay); // the reply is still on its way
            }
            return grant;
        }

        @Override
        public boolean extend(String name, String token, long leaseMillis) {
            checkAlive();
            return super.extend(name, token, leaseMillis);
        }

        @Override
        public boolean release(String name, String token) {
            checkAlive();
            return super.release(name, token);
        }

        @Override
        public Optional<LockInfo> inspect(String name) {
            checkAlive();
            return super.inspect(name);
        }

        @Override
        public boolean forceRelease(String name) {
            checkAlive();
            return super.forceRelease(name);
        }

        @Override
        public boolean forget(String name) {
            checkAlive();
            return super.forget(name);
        }
    }
}
