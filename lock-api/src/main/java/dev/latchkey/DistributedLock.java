package dev.latchkey;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Lock;

/**
 * A named lock as seen by one {@link LockClient}. Each acquisition returns its own {@link Lease};
 * ownership belongs to that lease, not to a thread. Two acquisitions through the same client contend
 * like any two participants (use {@link #asLock()} for per-thread reentrancy).
 *
 * <p><b>Thread-safety:</b> safe for concurrent use by any number of threads.
 *
 * <p><b>On lease loss:</b> see {@link Lease}; a lock object itself holds no state about past leases.
 *
 * <p><b>Fresh leases only.</b> Every lease an acquisition returns (blocking, timed, async or through
 * {@link #asLock()}) is valid when it is returned and has at least half of its lease time left,
 * measured from the moment the granting request was sent. A grant whose reply arrives later than
 * that (the server or the network paused while it was in flight) is undone, owner-checked, and the
 * acquisition goes on within what is left of its wait; a timed acquisition whose wait is spent ends
 * with {@link LockTimeoutException} (or empty), never with a lease that is already dead.
 *
 * <p>Arguments are checked at once: a {@code null}, non-positive or over-limit lease
 * ({@link Locks#MAX_LEASE}) and a {@code null} or negative wait throw {@link IllegalArgumentException}
 * naming the argument.
 */
public interface DistributedLock {

    /** The lock's name. */
    String name();

    /** Waits as long as needed and acquires with the client's default lease. */
    Lease acquire() throws InterruptedException;

    /** Waits as long as needed and acquires with the given lease. */
    Lease acquire(Duration lease) throws InterruptedException;

    /**
     * Waits up to {@code wait} and acquires with the given lease.
     *
     * @throws LockTimeoutException if the wait elapsed; nothing is held
     */
    Lease acquire(Duration wait, Duration lease) throws InterruptedException;

    /**
     * Waits up to {@code wait}; returns the lease, or empty if the wait elapsed (nothing is held then).
     */
    Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException;

    /**
     * One immediate attempt with the client's default lease. If the calling thread is interrupted the
     * attempt is still made and the interrupt flag stays set.
     */
    Optional<Lease> tryAcquire();

    /**
     * One immediate attempt with the given lease; never waits for another holder, so it declares no
     * {@link InterruptedException}. If the calling thread is interrupted the attempt is still made and
     * the interrupt flag stays set.
     */
    Optional<Lease> tryAcquire(Duration lease);

    /**
     * Acquires without blocking the caller. The stage completes with the lease, or exceptionally with
     * {@link LockTimeoutException} after {@code wait}, or another {@link LockException}. Cancelling it
     * (through {@code toCompletableFuture().cancel(true)}) stops the wait; a grant that races the
     * cancellation is released, so nothing stays held.
     */
    CompletionStage<Lease> acquireAsync(Duration wait, Duration lease);

    /**
     * A {@link Lock} view, reentrant per thread (see {@link LockView}): the first {@code lock()} of a
     * thread acquires a lease with the client's default lease (renewed automatically where the backend
     * supports it), nested calls count, and the last {@code unlock()} releases. {@code unlock()} by a
     * thread that does not hold it throws {@link IllegalMonitorStateException}; {@code unlock()} after
     * the lease was lost throws {@link LockLostException}. Conditions are not supported. The same view
     * is returned on every call.
     */
    LockView asLock();
}
