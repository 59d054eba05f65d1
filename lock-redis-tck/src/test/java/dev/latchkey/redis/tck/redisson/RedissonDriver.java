package dev.latchkey.redis.tck.redisson;

import dev.latchkey.Capability;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;

/**
 * Redisson's {@link RLock} (or {@link RFencedLock}) behind Latchkey's SPI, to characterise it with
 * the TCK. Only Redisson's public lock API is used, as an application would use it.
 *
 * <p>Ownership. Redisson owns a lock by (client id, thread id), not per acquisition. The adapter
 * acquires on the calling thread with Redisson's own methods ({@code tryLock(wait, lease, unit)},
 * {@code lockInterruptibly(lease, unit)}, {@code tryLockAndGetToken(wait, lease, unit)}), remembers
 * that thread's id for each lease, and releases with {@code unlockAsync(threadId)}, so a lease may be
 * released from any thread and a release is still owner-checked by Redisson. Never
 * {@code forceUnlock}. What this cannot hide, and the TCK shows: two acquisitions by one thread
 * of one client are the same owner (re-entry), so a second lease is granted at once, and an
 * expired lease's release frees that thread's next hold.
 *
 * <p>What it declares, and why not the rest:
 * <ul>
 *   <li>declared: LEASE_EXPIRY (an explicit lease is a server-side PEXPIRE), CLOCK_INDEPENDENT (no
 *       client clock is involved), NO_POLLING (waiters are woken through pub/sub), the
 *       engine-provided REENTRANT view, and FENCING_TOKENS for {@code RFencedLock};</li>
 *   <li>not declared, so only probed: MUTUAL_EXCLUSION and OWNER_SAFE_RELEASE in Latchkey's
 *       per-lease sense (ownership is per thread, see above); LEASE_RENEWAL (RLock has no
 *       owner-checked way to extend an explicit lease; {@link #extend} is a check-then-act of
 *       {@code isHeldByThread} and {@code RKeys.expire}); FAIR (RLock is not a fair lock);
 *       INTERRUPTIBLE and ASYNC: a blocked {@code tryLock} answers an interrupt at once, but an
 *       interrupt (or the cancellation of an async acquisition, which interrupts) that lands while
 *       its acquisition command is in flight leaves the lock held until the lease ends (IR-03 and
 *       AS-03 catch it), so nothing-held-after-interrupt is not guaranteed.</li>
 * </ul>
 * The lease's local deadline is taken from the key's remaining TTL read right after the grant,
 * which is never later than Redis's own expiry.
 *
 * <p>Thread-safe.
 */
final class RedissonDriver implements LockDriver {
    /** Redisson takes a wait in milliseconds; this stands for "no limit". */
    private static final long FOREVER_MILLIS = Integer.MAX_VALUE;

    private final RedissonClient redisson;
    private final boolean fenced;
    private final Map<String, Long> owners = new ConcurrentHashMap<>();

    private final Ticker ticker;

    RedissonDriver(RedissonClient redisson, boolean fenced, Ticker ticker) {
        this.redisson = redisson;
        this.fenced = fenced;
        this.ticker = ticker;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> caps = EnumSet.of(Capability.LEASE_EXPIRY, Capability.CLOCK_INDEPENDENT, Capability.NO_POLLING,
                Capability.REENTRANT);
        if (fenced) {
            caps.add(Capability.FENCING_TOKENS);
        }
        return caps;
    }

    @Override
    public String describe() {
        return "Redisson " + (fenced ? "RFencedLock" : "RLock");
    }

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        long thread = Thread.currentThread().getId();
        long asked = ticker.nanoTime();
        long waitMillis = waitNanos == Long.MAX_VALUE ? FOREVER_MILLIS : TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999);
        long fence = 0;
        try {
            if (fenced) {
                Long granted = fencedLock(name).tryLockAndGetToken(waitMillis, leaseMillis, TimeUnit.MILLISECONDS);
                if (granted == null) {
                    return null;
                }
                fence = granted;
            } else if (!lock(name).tryLock(waitMillis, leaseMillis, TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (RedisException e) {
            if (e.getCause() instanceof InterruptedException || Thread.interrupted()) {
                Thread.interrupted();
                throw new InterruptedException("interrupted while Redisson waited for lock '" + name + "'");
            }
            throw unavailable(e);
        }
        owners.put(token, thread);
        long before = ticker.nanoTime();
        long ttl = uninterruptibly(lock(name).remainTimeToLiveAsync().toCompletableFuture());
        long fromTtl = before + TimeUnit.MILLISECONDS.toNanos(ttl) - TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        return new Grant(fence, ttl >= 0 ? Math.max(asked, Math.min(before, fromTtl)) : before - TimeUnit.MILLISECONDS.toNanos(leaseMillis));
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        Long thread = owners.get(token);
        try {
            return thread != null && lock(name).isHeldByThread(thread)
                    && redisson.getKeys().expire(Duration.ofMillis(leaseMillis), name) == 1;
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean release(String name, String token) {
        Long thread = owners.get(token);
        if (thread == null) {
            return false;
        }
        try {
            uninterruptibly(lock(name).unlockAsync(thread).toCompletableFuture());
            owners.remove(token);
            return true;
        } catch (IllegalMonitorStateException notTheOwner) {
            owners.remove(token);
            return false;
        }
    }

    @Override
    public void close() {
        redisson.shutdown(0, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * The result of a command already sent, waited for with the caller's interrupts set aside and
     * restored afterwards: an interrupt that arrives once the lock is granted must not strand the
     * grant (the TTL read) or a release.
     */
    private static <T> T uninterruptibly(CompletableFuture<T> command) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return command.get(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IllegalMonitorStateException) {
                        throw (IllegalMonitorStateException) e.getCause();
                    }
                    throw unavailable(e.getCause());
                } catch (TimeoutException e) {
                    throw unavailable(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RLock lock(String name) {
        return fenced ? fencedLock(name) : redisson.getLock(name);
    }

    private RFencedLock fencedLock(String name) {
        return redisson.getFencedLock(name);
    }

    private static LockUnavailableException unavailable(Throwable e) {
        return new LockUnavailableException("Redisson: " + e, e);
    }
}
