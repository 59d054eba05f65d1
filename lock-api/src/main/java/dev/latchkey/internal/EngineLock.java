package dev.latchkey.internal;

import org.jspecify.annotations.Nullable;
import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.LockView;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * The engine's {@link DistributedLock}: validates, runs acquisitions through the driver, and keeps
 * only grants it can trust.
 *
 * <p>Design note. A grant is trusted when it arrives with at least half of its lease left, measured
 * from when its request was sent ({@link #MIN_REMAINING_FRACTION}). A reply delayed longer (a server
 * paused by a fork or SIGSTOP, a stalled network, a long GC between send and receive) may describe a
 * hold that has already ended or is about to: the Redis distributed-lock page's "validity time" rule,
 * applied to a single node. Such a grant is undone and the acquisition tries again with a new token
 * while its wait lasts. Any acquisition that fails or is interrupted with its request possibly
 * applied is undone too; the {@link Keeper} does every undo, drivers none.
 *
 * <p>Thread-safe.
 */
final class EngineLock implements DistributedLock {
    /** A returned lease has at least this share of its lease left. */
    static final double MIN_REMAINING_FRACTION = 0.5;

    private final EngineClient client;
    private final String name;
    private final ReentrantView view;

    EngineLock(EngineClient client, String name) {
        this.client = client;
        this.name = name;
        this.view = new ReentrantView(this, client);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Lease acquire() throws InterruptedException {
        return acquireOrThrow(Long.MAX_VALUE, client.defaultLeaseMillis, Duration.ZERO);
    }

    @Override
    public Lease acquire(Duration lease) throws InterruptedException {
        return acquireOrThrow(Long.MAX_VALUE, Arguments.leaseMillis(lease), Duration.ZERO);
    }

    @Override
    public Lease acquire(Duration wait, Duration lease) throws InterruptedException {
        long waitNanos = Arguments.waitNanos(wait);
        return acquireOrThrow(waitNanos, Arguments.leaseMillis(lease), wait);
    }

    @Override
    public Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException {
        long waitNanos = Arguments.waitNanos(wait);
        return Optional.ofNullable(grant(waitNanos, Arguments.leaseMillis(lease)));
    }

    @Override
    public Optional<Lease> tryAcquire() {
        return Optional.ofNullable(attemptOnce(client.defaultLeaseMillis));
    }

    @Override
    public Optional<Lease> tryAcquire(Duration lease) {
        return Optional.ofNullable(attemptOnce(Arguments.leaseMillis(lease)));
    }

    @Override
    public CompletionStage<Lease> acquireAsync(Duration wait, Duration lease) {
        long waitNanos = Arguments.waitNanos(wait);
        long leaseMillis = Arguments.leaseMillis(lease);
        client.ensureOpen();
        CompletableFuture<Lease> result = new CompletableFuture<>();
        Future<?> task = client.keeper.submit(() -> {
            try {
                EngineLease granted = grant(waitNanos, leaseMillis);
                if (granted == null) {
                    result.completeExceptionally(new LockTimeoutException(name, wait));
                } else if (!result.complete(granted)) {
                    // Cancelled while the grant was in flight. Not on this thread: cancel(true) is
                    // interrupting it, so the release goes to another I/O thread.
                    client.keeper.background(granted::releaseQuietly);
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
            return null;
        });
        result.whenComplete((lease1, error) -> {
            if (result.isCancelled()) {
                task.cancel(true);
            }
        });
        return result;
    }

    @Override
    public LockView asLock() {
        return view;
    }

    @Override
    public String toString() {
        return "DistributedLock[" + name + "]";
    }

    private Lease acquireOrThrow(long waitNanos, long leaseMillis, Duration wait) throws InterruptedException {
        if (waitNanos == Long.MAX_VALUE) {
            return grantUnbounded(leaseMillis);
        }
        EngineLease lease = grant(waitNanos, leaseMillis);
        if (lease == null) {
            throw new LockTimeoutException(name, wait);
        }
        return lease;
    }

    /** An acquisition without a time limit: it returns a lease or throws. */
    EngineLease grantUnbounded(long leaseMillis) throws InterruptedException {
        EngineLease lease = grant(Long.MAX_VALUE, leaseMillis);
        if (lease == null) {
            throw new IllegalStateException("an acquisition of lock '" + name + "' without a time limit returned no lease");
        }
        return lease;
    }

    /** A single attempt that keeps the caller's interrupt flag and never throws InterruptedException. */
    @Nullable EngineLease attemptOnce(long leaseMillis) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return grant(0, leaseMillis);
                } catch (InterruptedException e) {
                    interrupted = true; // only a zero wait: try once more with a clear flag
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One acquisition: driver attempts within the wait until a grant arrives fresh enough; null when
     * the wait elapsed. Undoes every grant it does not return.
     */
    @Nullable EngineLease grant(long waitNanos, long leaseMillis) throws InterruptedException {
        client.ensureOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before acquiring lock '" + name + "'");
        }
        long leaseNanos = leaseMillis * 1_000_000L;
        long start = client.now();
        long left = waitNanos;
        while (true) {
            String token = client.newToken();
            Grant grant;
            try {
                grant = client.driver.acquire(name, token, leaseMillis, left);
            } catch (InterruptedException e) {
                client.keeper.undo(name, token, client.now() + leaseNanos);
                throw e;
            } catch (RuntimeException e) {
                client.keeper.undo(name, token, client.now() + leaseNanos);
                if (Thread.interrupted()) {
                    // The client library stopped waiting for the reply because of an interrupt (Lettuce does).
                    InterruptedException ie = new InterruptedException("interrupted while acquiring lock '" + name + "'");
                    ie.initCause(e);
                    throw ie;
                }
                throw e;
            }
            if (grant == null) {
                return null;
            }
            long now = client.now();
            long deadline = grant.sentNanos() + leaseNanos;
            if (deadline - now >= (long) (leaseNanos * MIN_REMAINING_FRACTION)) {
                EngineLease lease = new EngineLease(client, name, token, grant.fencingToken(), deadline, leaseMillis);
                client.track(lease);
                if (client.isClosed()) {
                    lease.releaseQuietly();
                    client.ensureOpen();
                }
                return lease;
            }
            // Late: the reply came with less than half the lease left. Give it back and go on waiting.
            // (A server that was paused applied the request late, so its hold may last until now + lease.)
            client.keeper.undo(name, token, now + leaseNanos);
            if (waitNanos != Long.MAX_VALUE) {
                left = waitNanos - (client.now() - start);
                if (left <= 0) {
                    return null;
                }
            }
        }
    }
}
