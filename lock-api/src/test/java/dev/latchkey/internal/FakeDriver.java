package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scriptable {@link LockDriver} for engine tests: one monitor, holds that expire on a clock the
 * test controls (manual by default, starting at 0), and injectable failures that are applied or not
 * before they are thrown (a "lost reply"). Waiters block on the monitor in real time.
 */
final class FakeDriver implements LockDriver {
    private static final class Hold {
        String holder;
        long expiresAt;
        long fence;
    }

    final AtomicLong manualNanos = new AtomicLong();
    private final Ticker ticker;
    private final Set<Capability> capabilities;
    private final Map<String, Hold> holds = new HashMap<>();

    final AtomicInteger acquireCalls = new AtomicInteger();
    final AtomicInteger extendCalls = new AtomicInteger();
    final AtomicInteger releaseCalls = new AtomicInteger();
    final AtomicInteger closeCalls = new AtomicInteger();
    /** Released once per extend call, so tests can wait for renewals without polling. */
    final Semaphore extended = new Semaphore(0);

    /** Failures: the next release throws after (true) or before (false) applying; null: no failure. */
    volatile Boolean nextReleaseFailsApplied;
    /** The next N extend calls throw LockUnavailableException without applying. */
    final AtomicInteger extendFailures = new AtomicInteger();
    /** The next acquire applies, then throws LockUnavailableException. */
    volatile boolean nextAcquireFailsApplied;
    /** Like a client with interruptible I/O: a release from an interrupted thread fails, unapplied. */
    volatile boolean interruptibleRelease;
    /** Acquisitions currently blocked waiting. */
    final AtomicInteger waiting = new AtomicInteger();

    FakeDriver() {
        this(false, EnumSet.allOf(Capability.class));
    }

    FakeDriver(boolean systemClock, Set<Capability> capabilities) {
        this.ticker = systemClock ? Ticker.SYSTEM : manualNanos::get;
        this.capabilities = capabilities;
    }

    void advance(Duration by) {
        manualNanos.addAndGet(by.toNanos());
        synchronized (this) {
            notifyAll();
        }
    }

    synchronized String holder(String name) {
        Hold h = holds.get(name);
        if (h == null) {
            return null;
        }
        expire(h);
        return h.holder;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public String describe() {
        return "fake";
    }

    Ticker ticker() {
        return ticker;
    }

    /** A client on this driver, measuring leases on its clock. */
    EngineClient client(Duration defaultLease) {
        return (EngineClient) LockEngine.client(this, defaultLease, LockEnvironment.SYSTEM.withTicker(ticker));
    }

    @Override
    public synchronized Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        acquireCalls.incrementAndGet();
        long start = System.nanoTime();
        Hold h = holds.computeIfAbsent(name, n -> new Hold());
        while (true) {
            expire(h);
            if (h.holder == null) {
                long now = ticker.nanoTime();
                h.holder = token;
                h.expiresAt = now + leaseMillis * 1_000_000L;
                h.fence++;
                if (nextAcquireFailsApplied) {
                    nextAcquireFailsApplied = false;
                    throw new LockUnavailableException("reply lost (fake)");
                }
                return new Grant(h.fence, now);
            }
            long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (System.nanoTime() - start);
            if (left <= 0) {
                return null;
            }
            long millis = Math.max(1, Math.min(left / 1_000_000L, 1_000));
            waiting.incrementAndGet();
            try {
                wait(millis);
            } finally {
                waiting.decrementAndGet();
            }
        }
    }

    @Override
    public synchronized boolean extend(String name, String token, long leaseMillis) {
        extendCalls.incrementAndGet();
        try {
            if (extendFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new LockUnavailableException("unreachable (fake)");
            }
            Hold h = held(name, token);
            if (h == null) {
                return false;
            }
            h.expiresAt = ticker.nanoTime() + leaseMillis * 1_000_000L;
            return true;
        } finally {
            extended.release();
        }
    }

    @Override
    public synchronized boolean release(String name, String token) {
        releaseCalls.incrementAndGet();
        if (interruptibleRelease && Thread.currentThread().isInterrupted()) {
            throw new LockUnavailableException("interrupted during I/O (fake)");
        }
        Boolean fail = nextReleaseFailsApplied;
        nextReleaseFailsApplied = null;
        if (Boolean.FALSE.equals(fail)) {
            throw new LockUnavailableException("unreachable (fake)");
        }
        Hold h = held(name, token);
        if (h != null) {
            h.holder = null;
            notifyAll();
        }
        if (Boolean.TRUE.equals(fail)) {
            throw new LockUnavailableException("reply lost (fake)");
        }
        return h != null;
    }

    @Override
    public synchronized Optional<LockInfo> inspect(String name) {
        String holder = holder(name);
        Hold h = holds.get(name);
        return Optional.of(new LockInfo(name, holder, h == null ? 0 : h.fence, Duration.ZERO, -1));
    }

    @Override
    public synchronized boolean forceRelease(String name) {
        Hold h = holds.get(name);
        if (h == null) {
            return false;
        }
        expire(h);
        boolean held = h.holder != null;
        h.holder = null;
        notifyAll();
        return held;
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }

    private Hold held(String name, String token) {
        Hold h = holds.get(name);
        if (h == null || !token.equals(h.holder)) {
            return null;
        }
        expire(h);
        return h.holder == null ? null : h;
    }

    private void expire(Hold h) {
        if (h.holder != null && ticker.nanoTime() - h.expiresAt >= 0) {
            h.holder = null;
        }
    }
}
