package dev.latchkey.micrometer;

import dev.latchkey.LockLostException;
import dev.latchkey.LockView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The wrapped {@link LockView}, which keeps reentrancy and hold counts; this wrapper only watches a
 * thread's first lock and last unlock, the acquisition and the release of its lease. Thread-safe.
 */
final class MeteredView implements LockView {
    /** A thread's hold on the view, from its first lock to its last unlock. */
    record Hold(LockMeters meters, long start, boolean renewing) {
        void end(boolean lost) {
            meters.ended(start, lost, renewing);
        }
    }

    private final MeteredLockClient client;
    private final LockView delegate;

    MeteredView(MeteredLockClient client, LockView delegate) {
        this.client = client;
        this.delegate = delegate;
    }

    @Override
    public void lock() {
        acquire(() -> {
            delegate.lock();
            return true;
        }, true);
    }

    @Override
    public void lock(Duration lease) {
        acquire(() -> {
            delegate.lock(lease);
            return true;
        }, false);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire(() -> {
            delegate.lockInterruptibly();
            return true;
        }, true);
    }

    @Override
    public boolean tryLock() {
        return acquire(delegate::tryLock, true);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquire(() -> delegate.tryLock(time, unit), true);
    }

    @Override
    public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
        return acquire(() -> delegate.tryLock(wait, lease), false);
    }

    @Override
    public void unlock() {
        if (delegate.getHoldCount() != 1) {
            delegate.unlock(); // nested, or not held (the wrapped view throws)
            return;
        }
        Hold hold = client.viewHolds.remove(key());
        boolean lost = false;
        try {
            delegate.unlock();
        } catch (LockLostException e) {
            lost = true;
            throw e;
        } finally {
            if (hold != null) {
                hold.end(lost);
            }
        }
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return delegate.isHeldByCurrentThread();
    }

    @Override
    public int getHoldCount() {
        return delegate.getHoldCount();
    }

    @Override
    public long fencingToken() {
        return delegate.fencingToken();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Condition newCondition() {
        return delegate.newCondition();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    private List<Object> key() {
        return List.of(delegate.name(), Thread.currentThread());
    }

    /** Runs a lock call; records it if it is the thread's first (a reentrant call acquires nothing). */
    private <E extends Exception> boolean acquire(MeteredLock.Attempt<Boolean, E> attempt, boolean defaultLease) throws E {
        if (delegate.getHoldCount() > 0) {
            return attempt.run();
        }
        long start = System.nanoTime();
        LockMeters meters = client.meters(name());
        boolean got;
        try {
            got = attempt.run();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            meters.failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        }
        MeteredLock.record(meters, start, got);
        if (got) {
            meters.started();
            // The view renews leases it took with the client's default lease, where the backend can.
            client.viewHolds.put(key(), new Hold(meters, System.nanoTime(), defaultLease && client.renews()));
        }
        return got;
    }
}
