package dev.latchkey.spring.integration;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.Locks;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * A Spring Integration lock registry over any Latchkey {@link LockClient}, in place of
 * {@code RedisLockRegistry} or {@code JdbcLockRegistry}:
 *
 * <pre>{@code
 * @Bean LatchkeyLockRegistry lockRegistry(LockClient latchkey) { return new LatchkeyLockRegistry(latchkey); }
 * }</pre>
 *
 * <p>{@link #obtain} returns the same {@link FencedLock} for the same key (until
 * {@link #expireUnusedOlderThan} drops it while unlocked), named by the key in the backend. A lock
 * is reentrant per thread: a thread's first lock takes a Latchkey lease, nested locks count, its last
 * unlock releases. Two threads, or two registries (one per node), contend like any two participants.
 * <ul>
 *   <li>{@code lock()}, {@code lockInterruptibly()}, {@code tryLock()} and {@code tryLock(time, unit)}
 *       take a lease of {@code expireAfter} (60 s unless given) and renew it automatically while held,
 *       where the backend declares {@link Capability#LEASE_RENEWAL}; a stuck holder's lock still ends
 *       when its process dies. {@link RenewableLockRegistry#setRenewalTaskScheduler} is therefore
 *       ignored.</li>
 *   <li>{@code lock(ttl)} and {@code tryLock(waitTime, ttl)} take a lease of {@code ttl} that is not
 *       renewed: the hold ends by itself after {@code ttl} unless {@link #renewLock(Object, Duration)}
 *       extends it.</li>
 *   <li>Waiting never polls on a timer where the backend wakes waiters; it stops at once on interrupt
 *       for {@code lockInterruptibly} and {@code tryLock(time, unit)}.</li>
 * </ul>
 *
 * <p><b>Errors, as Spring's own registries report them:</b> {@code unlock()} by a thread that does not
 * hold the lock throws {@link IllegalMonitorStateException} (as {@code JdbcLockRegistry} and
 * {@link java.util.concurrent.locks.ReentrantLock}; {@code RedisLockRegistry} throws
 * {@code IllegalStateException}); a backend that cannot be reached while locking gives
 * {@link org.springframework.dao.CannotAcquireLockException}; {@code renewLock} of a lock the
 * current thread does not hold, or whose hold was lost, throws {@link IllegalStateException}.
 * Invalid arguments throw {@link IllegalArgumentException} naming them; the key must be a
 * {@link String}.
 *
 * <p><b>Thread-safety:</b> safe for concurrent use; so are the locks it returns.
 *
 * <p><b>On lease loss</b> (the lease ran out, its renewal failed, or another participant took the lock
 * over): the last {@code unlock()} throws {@link java.util.ConcurrentModificationException} ("Lock was
 * released in the store due to expiration", as both Spring registries do) with Latchkey's
 * {@link LockLostException} as its cause, the thread no longer holds the lock, and nothing of another
 * holder's was freed. A nested {@code lock()}/{@code tryLock()} by a thread whose hold was lost throws
 * {@link org.springframework.dao.CannotAcquireLockException} instead of counting: work after the loss
 * was not protected. {@link FencedLock#isHeldByCurrentThread()} turns false as soon as the loss is
 * known. The registry does not own the client: closing the client ends every hold.
 */
public final class LatchkeyLockRegistry implements ExpirableLockRegistry<DistributedLock>, RenewableLockRegistry<DistributedLock> {
    /** The lease of the default lock forms when none is given, as {@code RedisLockRegistry}'s. */
    public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofSeconds(60);

    /** One thread's hold on one key. */
    record HoldKey(String key, Thread thread) {
        static HoldKey mine(String key) {
            return new HoldKey(key, Thread.currentThread());
        }
    }

    /** A hold: its lease and the thread's lock count; only that thread touches it. */
    static final class Hold {
        final Lease lease;
        int count = 1;

        Hold(Lease lease) {
            this.lease = lease;
        }
    }

    final LockClient client;
    final Duration expireAfter;
    final boolean renews;
    private final Map<String, RegistryLock> locks = new ConcurrentHashMap<>();
    /** Every hold, here rather than in the lock objects, so that a dropped lock object loses no count. */
    final Map<HoldKey, Hold> holds = new ConcurrentHashMap<>();

    /**
     * A registry over {@code client} with leases of {@link #DEFAULT_EXPIRE_AFTER}.
     *
     * @throws IllegalArgumentException if {@code client} is null
     */
    public LatchkeyLockRegistry(LockClient client) {
        this(client, DEFAULT_EXPIRE_AFTER);
    }

    /**
     * A registry over {@code client}, which stays the caller's to close.
     *
     * @param expireAfter the lease of {@code lock()}, {@code tryLock(..)}, {@code lockInterruptibly()}
     *                    and {@code renewLock(key)}
     * @throws IllegalArgumentException if {@code client} is null, or {@code expireAfter} is null, not
     *                                  positive or above {@link Locks#MAX_LEASE}
     */
    public LatchkeyLockRegistry(LockClient client, Duration expireAfter) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        this.client = client;
        this.expireAfter = checkLease(expireAfter, "expireAfter");
        this.renews = client.capabilities().contains(Capability.LEASE_RENEWAL);
    }

    /**
     * The lock for {@code lockKey}, the same object for the same key.
     *
     * @throws IllegalArgumentException if {@code lockKey} is not a String or is not a valid lock name
     */
    @Override
    public FencedLock obtain(Object lockKey) {
        return locks.computeIfAbsent(key(lockKey), key -> new RegistryLock(this, key, client.lock(key)));
    }

    /**
     * Forgets the lock objects last acquired (or created) at least {@code age} ms ago that no thread
     * holds; {@link #obtain} then creates new ones. Holds live in the registry, not in the lock
     * objects, so a thread still re-enters through any lock object of its key.
     */
    @Override
    public void expireUnusedOlderThan(long age) {
        long now = System.currentTimeMillis();
        Set<String> held = holds.keySet().stream().map(HoldKey::key).collect(Collectors.toSet());
        locks.values().removeIf(lock -> now - lock.lastUsed >= age && !held.contains(lock.key));
    }

    /**
     * Extends the current thread's hold of {@code lockKey} to {@code expireAfter} from now.
     *
     * @throws IllegalStateException if the current thread does not hold it, or its hold was lost
     */
    @Override
    public void renewLock(Object lockKey) {
        renewLock(lockKey, expireAfter);
    }

    /**
     * Extends the current thread's hold of {@code lockKey} to {@code ttl} from now.
     *
     * @throws IllegalStateException    if the current thread does not hold it, or its hold was lost
     * @throws IllegalArgumentException if {@code ttl} is null, not positive or above {@link Locks#MAX_LEASE}
     */
    @Override
    public void renewLock(Object lockKey, Duration ttl) {
        String key = key(lockKey);
        checkLease(ttl, "ttl");
        Hold hold = holds.get(HoldKey.mine(key));
        if (hold == null) {
            throw new IllegalStateException("Could not renew lock '" + key + "': the current thread does not hold it");
        }
        try {
            hold.lease.extend(ttl);
        } catch (LockLostException e) {
            throw new IllegalStateException("Could not renew lock '" + key + "': " + e.getMessage(), e);
        }
        RegistryLock lock = locks.get(key);
        if (lock != null) {
            lock.lastUsed = System.currentTimeMillis();
        }
    }

    @Override
    public String toString() {
        return "LatchkeyLockRegistry[" + client.describe() + "]";
    }

    private static String key(Object lockKey) {
        if (!(lockKey instanceof String)) {
            throw new IllegalArgumentException("lockKey must be a String, was " + (lockKey == null ? "null" : lockKey.getClass().getName()));
        }
        return (String) lockKey;
    }

    static Duration checkLease(Duration lease, String argument) {
        if (lease == null || lease.isZero() || lease.isNegative() || lease.compareTo(Locks.MAX_LEASE) > 0) {
            throw new IllegalArgumentException(argument + " must be positive and at most " + Locks.MAX_LEASE + ", was " + lease);
        }
        return lease;
    }
}
