package dev.latchkey;

import java.time.Duration;
import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} view of a {@link DistributedLock}, for code written against
 * {@code java.util.concurrent.locks}: reentrant per thread, per lock name and client. A thread's
 * first {@code lock()} acquires a lease, nested calls count, and the last {@link #unlock()} releases.
 *
 * <p>Leases: {@link #lock()}, {@link #lockInterruptibly()}, {@link #tryLock()} and
 * {@link #tryLock(long, java.util.concurrent.TimeUnit)} take the client's default lease and renew it
 * automatically while held, where the backend declares {@link Capability#LEASE_RENEWAL}.
 * {@link #lock(Duration)} and {@link #tryLock(Duration, Duration)} take the given lease and do not
 * renew it: the hold ends by itself when that lease runs out, as with Redisson's
 * {@code lock(leaseTime, unit)}.
 *
 * <p>Ownership belongs to the thread that locked. Unlike a {@link Lease}, the view cannot be handed
 * to another thread: {@link #unlock()} by a thread that does not hold it throws
 * {@link IllegalMonitorStateException}. Conditions are not supported.
 *
 * <p><b>Thread-safety:</b> safe for use by any number of threads; each thread sees only its own hold.
 *
 * <p><b>On lease loss:</b> a thread whose hold was lost still counts as holding (it must unlock), but
 * {@link #unlock()} then throws {@link LockLostException}, and so does a nested {@code lock()}:
 * work done after the loss was not protected. {@link #isHeldByCurrentThread()} turns false as soon as
 * the loss is known locally. Unlocking from an interrupted thread works and keeps the interrupt flag.
 */
public interface LockView extends Lock {

    /** Like {@link #lock()}, with the given lease and no automatic renewal for a first acquisition. */
    void lock(Duration lease);

    /**
     * Like {@link #tryLock(long, java.util.concurrent.TimeUnit)}, with the given lease and no automatic
     * renewal for a first acquisition.
     */
    boolean tryLock(Duration wait, Duration lease) throws InterruptedException;

    /** Whether the current thread holds this lock and its lease is still valid (a local check, no I/O). */
    boolean isHeldByCurrentThread();

    /** How many times the current thread has locked without unlocking; 0 if it does not hold the lock. */
    int getHoldCount();

    /**
     * The fencing token of the current thread's hold: pass it to the protected resource.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold this lock
     */
    long fencingToken();

    /** The lock's name. */
    String name();
}
