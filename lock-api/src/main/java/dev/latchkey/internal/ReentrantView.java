package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} view of a distributed lock: reentrant per thread. A thread's first lock takes
 * a lease (renewed automatically where the backend can); nested locks count; the last unlock
 * releases. Thread-safe; each thread only ever touches its own entry.
 *
 * <p>Hold counts live in the client, keyed by lock name and thread, so that a thread re-enters
 * through any {@code client.lock(name).asLock()} of that name rather than deadlocking on itself
 * because it went through a second lock object. Entries leave the map on the last unlock.
 */
final class ReentrantView implements Lock {
    /** One thread's hold on one lock name of one client. */
    record HoldKey(String name, Thread thread) {
    }

    static final class Hold {
        final Lease lease;
        int count = 1;

        Hold(Lease lease) {
            this.lease = lease;
        }
    }

    private final EngineLock lock;
    private final EngineClient client;
    private final Map<HoldKey, Hold> holds;

    ReentrantView(EngineLock lock, EngineClient client) {
        this.lock = lock;
        this.client = client;
        this.holds = client.viewHolds;
    }

    private HoldKey mine() {
        return new HoldKey(lock.name(), Thread.currentThread());
    }

    @Override
    public void lock() {
        if (reenter()) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    start(lock.grant(Long.MAX_VALUE, client.defaultLeaseMillis));
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!reenter()) {
            start(lock.grant(Long.MAX_VALUE, client.defaultLeaseMillis));
        }
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        return lock.tryAcquire().map(this::startAndTrue).orElse(false);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (reenter()) {
            return true;
        }
        long nanos = Math.max(0, unit.toNanos(time));
        return lock.tryAcquire(Duration.ofNanos(nanos), Duration.ofMillis(client.defaultLeaseMillis))
                .map(this::startAndTrue).orElse(false);
    }

    @Override
    public void unlock() {
        HoldKey me = mine();
        Hold hold = holds.get(me);
        if (hold == null) {
            throw new IllegalMonitorStateException("the current thread does not hold lock '" + lock.name() + "'");
        }
        if (--hold.count == 0) {
            holds.remove(me);
            hold.lease.release();
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("distributed locks do not support conditions");
    }

    private boolean reenter() {
        Hold hold = holds.get(mine());
        if (hold == null) {
            return false;
        }
        if (!hold.lease.isValid()) {
            throw new LockLostException(lock.name(), "the current thread's hold ended while it was still locked (count " + hold.count + ")");
        }
        hold.count++;
        return true;
    }

    private boolean startAndTrue(Lease lease) {
        start(lease);
        return true;
    }

    private void start(Lease lease) {
        if (client.capabilities().contains(Capability.LEASE_RENEWAL)) {
            lease.renewAutomatically();
        }
        holds.put(mine(), new Hold(lease));
    }
}
