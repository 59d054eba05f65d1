package dev.latchkey;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One successful acquisition of a lock: the proof of ownership. A lease is a handle, not tied to
 * the thread that acquired it; any thread may extend or release it. {@link #close()} is
 * {@link #release()}, so a lease fits try-with-resources.
 *
 * <p><b>Thread-safety:</b> all methods are safe to call from any thread.
 *
 * <p><b>On lease loss:</b> when the hold ends without a release (the lease ran out, renewal failed,
 * or another participant took over) the lease becomes invalid, listeners registered with
 * {@link #onLost} run once, and {@link #release()} and {@link #extend} throw
 * {@link LockLostException}. Neither ever frees or prolongs another participant's hold.
 */
public interface Lease extends AutoCloseable {

    /** Returned by {@link #fencingToken()} when the backend does not issue fencing tokens. */
    long NO_FENCING_TOKEN = 0L;

    /** The lock's name. */
    String name();

    /**
     * A number that strictly increases with each grant of this lock name (never reused after
     * expiry or takeover), for backends declaring {@link Capability#FENCING_TOKENS}; otherwise
     * {@link #NO_FENCING_TOKEN}. Pass it to the protected resource so it can reject stale writers.
     */
    long fencingToken();

    /**
     * The latest instant at which this client still believes it holds the lock. It is computed
     * conservatively from the moment the grant was requested, so the backend's own expiry is never
     * earlier. Moves forward on extend or renewal.
     */
    Instant deadline();

    /** The time left until {@link #deadline()}, or {@link Duration#ZERO} when invalid. */
    Duration remaining();

    /** True until the lease is released, known lost, or past its deadline. A local check; no I/O. */
    boolean isValid();

    /**
     * Sets the remaining lease to {@code lease} from now, if and only if this lease still holds the lock.
     *
     * @throws LockLostException         if the hold had already ended
     * @throws IllegalStateException     if this lease was released
     * @throws IllegalArgumentException  if {@code lease} is not positive or above the maximum
     * @throws LockUnavailableException  if the backend could not be reached; the lease is unchanged locally
     */
    void extend(Duration lease);

    /**
     * Renews this lease in the background, at a fraction of its lease time, until it is released,
     * lost, or its client closes. If a renewal fails the lease is marked invalid and the
     * {@link #onLost} listeners run before the last known deadline passes.
     *
     * @return this lease
     * @throws UnsupportedOperationException if the backend does not declare {@link Capability#LEASE_RENEWAL}
     */
    Lease renewAutomatically();

    /**
     * Registers a callback run once when the hold is known lost (never on a normal release). Runs at
     * once, on the caller's thread, if the loss is already known; otherwise on a backend thread.
     *
     * @return this lease
     */
    Lease onLost(Consumer<? super LockLostException> listener);

    /**
     * Ends the hold. Idempotent: a repeated call (for example a retry after a lost reply) returns
     * {@link ReleaseOutcome#ALREADY_RELEASED} instead of claiming someone else owns the lock.
     *
     * @throws LockLostException        if the hold had ended before this release; nothing was freed
     * @throws LockUnavailableException if the backend could not be reached; the call may be retried
     */
    ReleaseOutcome release();

    /** Same as {@link #release()}. */
    @Override
    void close();
}
