package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import dev.latchkey.LockView;
import dev.latchkey.spi.Arguments;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The {@link LockView} of a distributed lock: reentrant per thread. A thread's first lock takes a
 * lease (renewed automatically where the backend can, unless the caller gave a lease); nested locks
 * count; the last unlock releases. Thread-safe; each thread only ever touches its own entry.
 *
 * <p>Hold counts live in the client, keyed by lock name and thread, so that a thread re-enters
 * through any {@code client.lock(name).asLock()} of that name rather than deadlocking on itself
 * because it went through a second lock object. Entries leave the map on the last unlock.
 */
final class ReentrantView implements LockView {
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

    @Override
    public String name() {
        return lock.name();
    }

    @Override
    public void lock() {
        lockUninterruptibly(client.defaultLeaseMillis, true);
    }

    @Override
    public void lock(Duration lease) {
        lockUninterruptibly(Arguments.leaseMillis(lease), false);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!reenter()) {
            start(lock.grantUnbounded(client.defaultLeaseMillis), true);
        }
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        EngineLease lease = lock.attemptOnce(client.defaultLeaseMillis);
        return lease != null && start(lease, true);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLock(Math.max(0, unit.toNanos(time)), client.defaultLeaseMillis, true);
    }

    @Override
    public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
        return tryLock(Arguments.waitNanos(wait), Arguments.leaseMillis(lease), false);
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
    public boolean isHeldByCurrentThread() {
        Hold hold = holds.get(mine());
        return hold != null && hold.lease.isValid();
    }

    @Override
    public int getHoldCount() {
        Hold hold = holds.get(mine());
        return hold == null ? 0 : hold.count;
    }

    @Override
    public long fencingToken() {
        Hold hold = holds.get(mine());
        if (hold == null) {
            throw new IllegalMonitorStateException("the current thread does not hold lock '" + lock.name() + "'");
        }
        return hold.lease.fencingToken();
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("distributed locks do not support conditions");
    }

    @Override
    public String toString() {
        return "LockView[" + lock.name() + "]";
    }

    private HoldKey mine() {
        return new HoldKey(lock.name(), Thread.currentThread());
    }

    private void lockUninterruptibly(long leaseMillis, boolean renew) {
        if (reenter()) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    start(lock.grantUnbounded(leaseMillis), renew);
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

    private boolean tryLock(long waitNanos, long leaseMillis, boolean renew) throws InterruptedException {
        if (reenter()) {
            return true;
        }
        EngineLease lease = lock.grant(waitNanos, leaseMillis);
        return lease != null && start(lease, renew);
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

    private boolean start(Lease lease, boolean renew) {
        if (renew && client.capabilities().contains(Capability.LEASE_RENEWAL)) {
            lease.renewAutomatically();
        }
        holds.put(mine(), new Hold(lease));
        return true;
    }
}
