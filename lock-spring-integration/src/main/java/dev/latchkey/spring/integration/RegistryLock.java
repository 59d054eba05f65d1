package dev.latchkey.spring.integration;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockException;
import dev.latchkey.LockLostException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.springframework.dao.CannotAcquireLockException;

/**
 * One key's lock: translates Spring's {@link org.springframework.integration.support.locks.DistributedLock}
 * calls into Latchkey acquisitions, with the per-thread hold counts kept by the registry.
 * Thread-safe; each thread only touches its own hold.
 */
final class RegistryLock implements FencedLock {
    /** One acquisition; null or empty when not granted. */
    @FunctionalInterface
    private interface Acquisition {
        Optional<Lease> run() throws InterruptedException;
    }

    private final LatchkeyLockRegistry registry;
    final String key;
    private final DistributedLock lock;
    volatile long lastUsed = System.currentTimeMillis();

    RegistryLock(LatchkeyLockRegistry registry, String key, DistributedLock lock) {
        this.registry = registry;
        this.key = key;
        this.lock = lock;
    }

    @Override
    public void lock() {
        lockUninterruptibly(registry.expireAfter, true);
    }

    @Override
    public void lock(Duration ttl) {
        lockUninterruptibly(LatchkeyLockRegistry.checkLease(ttl, "ttl"), false);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!reenter()) {
            start(() -> Optional.of(lock.acquire(registry.expireAfter)), true);
        }
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        try {
            return start(() -> lock.tryAcquire(registry.expireAfter), true);
        } catch (InterruptedException e) {
            throw new AssertionError("an immediate attempt does not wait", e);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Duration wait = Duration.ofNanos(Math.max(0, unit.toNanos(time)));
        return reenter() || start(() -> lock.tryAcquire(wait, registry.expireAfter), true);
    }

    @Override
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        if (waitTime == null || waitTime.isNegative()) {
            throw new IllegalArgumentException("waitTime must not be null or negative, was " + waitTime);
        }
        LatchkeyLockRegistry.checkLease(ttl, "ttl");
        return reenter() || start(() -> lock.tryAcquire(waitTime, ttl), false);
    }

    @Override
    public void unlock() {
        LatchkeyLockRegistry.HoldKey me = LatchkeyLockRegistry.HoldKey.mine(key);
        LatchkeyLockRegistry.Hold hold = registry.holds.get(me);
        if (hold == null) {
            throw new IllegalMonitorStateException("The current thread doesn't own lock '" + key + "'");
        }
        if (--hold.count > 0) {
            return;
        }
        registry.holds.remove(me);
        try {
            hold.lease.release();
        } catch (LockLostException e) {
            throw new ConcurrentModificationException("Lock was released in the store due to expiration (or taken over). "
                    + "The integrity of data protected by lock '" + key + "' may have been compromised.", e);
        }
    }

    @Override
    public long fencingToken() {
        LatchkeyLockRegistry.Hold hold = registry.holds.get(LatchkeyLockRegistry.HoldKey.mine(key));
        if (hold == null) {
            throw new IllegalMonitorStateException("The current thread doesn't own lock '" + key + "'");
        }
        return hold.lease.fencingToken();
    }

    @Override
    public boolean isHeldByCurrentThread() {
        LatchkeyLockRegistry.Hold hold = registry.holds.get(LatchkeyLockRegistry.HoldKey.mine(key));
        return hold != null && hold.lease.isValid();
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("Conditions are not supported");
    }

    /** Same registry and key: the same lock. */
    @Override
    public boolean equals(Object other) {
        return other instanceof RegistryLock that && that.registry == registry && that.key.equals(key);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(registry) * 31 + key.hashCode();
    }

    @Override
    public String toString() {
        return "FencedLock[" + key + " in " + registry + "]";
    }

    private void lockUninterruptibly(Duration lease, boolean renew) {
        if (reenter()) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    start(() -> Optional.of(lock.acquire(lease)), renew);
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

    /** Counts a nested lock; false if the thread holds nothing yet. */
    private boolean reenter() {
        LatchkeyLockRegistry.Hold hold = registry.holds.get(LatchkeyLockRegistry.HoldKey.mine(key));
        if (hold == null) {
            return false;
        }
        if (!hold.lease.isValid()) {
            throw new CannotAcquireLockException("The current thread's hold of lock '" + key
                    + "' ended while it was still locked (count " + hold.count + "); unlock it first");
        }
        hold.count++;
        return true;
    }

    /** Runs a first acquisition and records the hold. */
    private boolean start(Acquisition acquisition, boolean renew) throws InterruptedException {
        Optional<Lease> got;
        try {
            got = acquisition.run();
        } catch (LockException e) {
            throw new CannotAcquireLockException("Failed to lock '" + key + "'", e);
        }
        if (got.isEmpty()) {
            return false;
        }
        Lease lease = got.get();
        if (renew && registry.renews) {
            lease.renewAutomatically();
        }
        registry.holds.put(LatchkeyLockRegistry.HoldKey.mine(key), new LatchkeyLockRegistry.Hold(lease));
        lastUsed = System.currentTimeMillis();
        return true;
    }
}
