package dev.latchkey.spi;

import org.jspecify.annotations.Nullable;
import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import java.util.Optional;
import java.util.Set;

/**
 * The few primitive operations a backend must provide; {@link LockEngine} builds the whole
 * {@link dev.latchkey.LockClient} API on them (argument checks, leases, timeouts, async, renewal,
 * loss listeners, the reentrant {@link java.util.concurrent.locks.Lock} view).
 *
 * <p>Owners are identified by a token the engine makes unique per acquisition. Names and tokens
 * arrive already validated. Implementations must be thread-safe. Any call may throw
 * {@link dev.latchkey.LockUnavailableException} when the backend cannot be reached; its outcome is
 * then unknown, and the engine acts accordingly (it never assumes success).
 *
 * <p>A driver reports; the engine decides. A driver never undoes an acquisition itself: when
 * {@link #acquire} fails, is interrupted, or returns a grant that arrived too late, the engine calls
 * {@link #release} with the same token (owner-checked, so harmless if nothing was granted). A driver
 * must therefore accept a release of a token whose acquisition it never confirmed. The engine makes
 * {@link #release} and {@link #extend} calls with the calling thread's interrupt flag cleared, and
 * may run them on its own threads.
 */
public interface LockDriver extends AutoCloseable {

    /** What this driver guarantees, as declared to the TCK. */
    Set<Capability> capabilities();

    /** A short description without secrets. */
    String describe();

    /**
     * Acquires {@code name} for {@code token} with a lease of {@code leaseMillis}, waiting up to
     * {@code waitNanos} ({@code 0}: a single attempt; {@link Long#MAX_VALUE}: no limit).
     *
     * @return the grant, or {@code null} if the wait elapsed without one
     * @throws InterruptedException if interrupted while waiting (the engine then undoes any grant that
     *                              raced the interrupt)
     */
    @Nullable Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException;

    /**
     * Sets the lease of {@code name} to {@code leaseMillis} from now if {@code token} holds it.
     *
     * @return false if {@code token} does not hold the lock (expired, released or taken over)
     */
    boolean extend(String name, String token, long leaseMillis);

    /**
     * Releases {@code name} if {@code token} holds it and wakes a waiter.
     *
     * @return false if {@code token} did not hold the lock; then nothing was changed
     */
    boolean release(String name, String token);

    /** What the backend knows about {@code name}; empty if it cannot tell. */
    default Optional<LockInfo> inspect(String name) {
        return Optional.empty();
    }

    /** Removes any hold on {@code name}; returns whether there was one. */
    default boolean forceRelease(String name) {
        throw new UnsupportedOperationException(describe() + " does not support force release");
    }

    /** Removes any hold on {@code name} and its fencing counter; whether anything was removed. */
    default boolean forget(String name) {
        throw new UnsupportedOperationException(describe() + " cannot forget a lock name");
    }

    /** Releases connections and threads. Idempotent. */
    @Override
    void close();
}
