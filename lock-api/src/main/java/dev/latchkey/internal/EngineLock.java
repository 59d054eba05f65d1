package dev.latchkey.internal;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Lock;

/** The engine's {@link DistributedLock}: validates, delegates one acquisition to the driver, wraps the grant. Thread-safe. */
final class EngineLock implements DistributedLock {
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
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return Optional.ofNullable(grant(0, client.defaultLeaseMillis));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public CompletionStage<Lease> acquireAsync(Duration wait, Duration lease) {
        long waitNanos = Arguments.waitNanos(wait);
        long leaseMillis = Arguments.leaseMillis(lease);
        client.ensureOpen();
        CompletableFuture<Lease> result = new CompletableFuture<>();
        Future<?> task = client.async().submit(() -> {
            try {
                EngineLease granted = grant(waitNanos, leaseMillis);
                if (granted == null) {
                    result.completeExceptionally(new LockTimeoutException(name, wait));
                } else if (!result.complete(granted)) {
                    releaseRacedGrant(granted); // cancelled while the grant was in flight
                }
            } catch (InterruptedException e) {
                result.completeExceptionally(e);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        result.whenComplete((lease1, error) -> {
            if (result.isCancelled()) {
                task.cancel(true);
            }
        });
        return result;
    }

    @Override
    public Lock asLock() {
        return view;
    }

    @Override
    public String toString() {
        return "DistributedLock[" + name + "]";
    }

    /**
     * Gives back a grant that lost the race with a cancellation. Not on this thread: cancel(true) is
     * interrupting it, and a backend whose I/O is interruptible would fail the release and leave the
     * hold for a whole lease. A new pool task runs with a clear interrupt flag (the pool clears it,
     * and a cancelled task's interrupt always lands before its run ends).
     */
    private void releaseRacedGrant(EngineLease granted) {
        try {
            client.async().execute(granted::releaseQuietly);
        } catch (RejectedExecutionException closing) {
            granted.releaseQuietly();
        }
    }

    private Lease acquireOrThrow(long waitNanos, long leaseMillis, Duration wait) throws InterruptedException {
        EngineLease lease = grant(waitNanos, leaseMillis);
        if (lease == null) {
            throw new LockTimeoutException(name, wait);
        }
        return lease;
    }

    /** One acquisition through the driver; null when the wait elapsed. */
    EngineLease grant(long waitNanos, long leaseMillis) throws InterruptedException {
        client.ensureOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before acquiring lock '" + name + "'");
        }
        String token = client.newToken();
        Grant grant;
        try {
            grant = client.driver.acquire(name, token, leaseMillis, waitNanos);
        } catch (RuntimeException | InterruptedException e) {
            // The request may have been applied before the failure or the interrupt (a grant racing
            // it on the server): undo it if we can. The release is owner-checked, and the interrupt
            // flag is already clear, so the undo itself is not cut short.
            EngineLease.releaseQuietly(client.driver, name, token);
            throw e;
        }
        if (grant == null) {
            return null;
        }
        EngineLease lease = new EngineLease(client, name, token, grant.fencingToken(),
                grant.sentNanos() + leaseMillis * 1_000_000L, leaseMillis);
        client.track(lease);
        if (client.isClosed()) {
            lease.releaseQuietly();
            client.ensureOpen();
        }
        return lease;
    }
}
