package dev.latchkey.spring.integration;

import org.springframework.integration.support.locks.DistributedLock;

/**
 * The lock {@link LatchkeyLockRegistry#obtain} returns: Spring Integration's {@link DistributedLock},
 * reentrant per thread, plus the fencing token of the current thread's hold.
 *
 * <p><b>Thread-safety:</b> safe for use by any number of threads; each sees only its own hold.
 *
 * <p><b>On lease loss:</b> see {@link LatchkeyLockRegistry}: {@code unlock()} throws
 * {@link java.util.ConcurrentModificationException}, a nested lock throws
 * {@link org.springframework.dao.CannotAcquireLockException}.
 */
public interface FencedLock extends DistributedLock {

    /**
     * The fencing token of the current thread's hold (strictly increasing per lock name on backends
     * declaring {@link dev.latchkey.Capability#FENCING_TOKENS}, else 0): pass it to the resource you
     * protect so that it can reject a writer whose hold has ended.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold this lock
     */
    long fencingToken();

    /** Whether the current thread holds this lock and its lease is still valid (a local check, no I/O). */
    boolean isHeldByCurrentThread();
}
