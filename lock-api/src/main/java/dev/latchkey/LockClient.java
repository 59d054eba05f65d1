package dev.latchkey;

import java.util.Optional;
import java.util.Set;

/**
 * One participant connected to one backend: its own connections, its own renewal thread, its own
 * leases. Obtain one from {@link Locks#open(String)} or from a backend's builder, and close it when
 * done; closing stops renewals and releases, best effort, the leases still held.
 *
 * <p><b>Thread-safety:</b> safe for concurrent use; lock objects it returns are too.
 *
 * <p><b>On lease loss:</b> a client never hides it; see {@link Lease}.
 */
public interface LockClient extends AutoCloseable {

    /**
     * The lock with this name.
     *
     * @throws IllegalArgumentException if the name is null, blank, or longer than
     *                                  {@link Locks#MAX_NAME_BYTES} bytes in UTF-8
     */
    DistributedLock lock(String name);

    /** What this client guarantees, closed under {@link Capability#implied()}. */
    Set<Capability> capabilities();

    /** A short description of the backend and its settings, without secrets, for reports. */
    String describe();

    /**
     * What the backend knows about a lock, for operators. Empty if the backend cannot inspect.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    default Optional<LockInfo> inspect(String name) {
        return Optional.empty();
    }

    /**
     * Frees the lock whoever holds it, for operators cleaning up after a dead holder. The former
     * holder's lease is lost. Returns whether a hold was removed.
     *
     * @throws UnsupportedOperationException if the backend cannot do this
     */
    default boolean forceRelease(String name) {
        throw new UnsupportedOperationException(describe() + " does not support force release");
    }

    /**
     * Removes everything the backend keeps for a lock name: a hold, if any (its holder's lease is
     * lost), and the fencing counter. For names retired for good, and for tools that must leave
     * nothing behind: a name used again afterwards starts its fencing tokens over, so a resource
     * fenced by the old tokens must be reset as well. Returns whether anything was removed.
     *
     * @throws UnsupportedOperationException if the backend cannot do this
     * @throws IllegalArgumentException      if the name is invalid
     */
    default boolean forget(String name) {
        throw new UnsupportedOperationException(describe() + " cannot forget a lock name");
    }

    /** Stops renewals and releases the leases still held, best effort. Idempotent. */
    @Override
    void close();
}
