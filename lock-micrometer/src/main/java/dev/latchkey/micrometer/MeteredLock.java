package dev.latchkey.micrometer;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.LockView;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Times each acquisition and wraps the lease it grants. Thread-safe. */
final class MeteredLock implements DistributedLock {
    /** One acquisition through the wrapped lock. */
    @FunctionalInterface
    interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    private final MeteredLockClient client;
    private final DistributedLock delegate;
    private MeteredView view;

    MeteredLock(MeteredLockClient client, DistributedLock delegate) {
        this.client = client;
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Lease acquire() throws InterruptedException {
        return attempt(() -> Optional.of(delegate.acquire())).orElseThrow();
    }

    @Override
    public Lease acquire(Duration lease) throws InterruptedException {
        return attempt(() -> Optional.of(delegate.acquire(lease))).orElseThrow();
    }

    @Override
    public Lease acquire(Duration wait, Duration lease) throws InterruptedException {
        return attempt(() -> Optional.of(delegate.acquire(wait, lease))).orElseThrow();
    }

    @Override
    public Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException {
        return attempt(() -> delegate.tryAcquire(wait, lease));
    }

    @Override
    public Optional<Lease> tryAcquire() {
        return attempt(delegate::tryAcquire);
    }

    @Override
    public Optional<Lease> tryAcquire(Duration lease) {
        return attempt(() -> delegate.tryAcquire(lease));
    }

    @Override
    public CompletionStage<Lease> acquireAsync(Duration wait, Duration lease) {
        long start = System.nanoTime();
        CompletableFuture<Lease> source = delegate.acquireAsync(wait, lease).toCompletableFuture();
        LockMeters meters = client.meters(name());
        CompletableFuture<Lease> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                source.cancel(mayInterruptIfRunning); // the wrapped acquisition stops and leaves nothing held
                return cancelled;
            }
        };
        source.whenComplete((granted, error) -> {
            if (error == null) {
                record(meters, start, true);
                MeteredLease metered = new MeteredLease(client, granted, meters);
                if (!result.complete(metered)) {
                    metered.releaseQuietly(); // cancelled as it was granted
                }
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                (cause instanceof LockTimeoutException ? meters.timedOut : meters.failed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                result.completeExceptionally(cause);
            }
        });
        return result;
    }

    @Override
    public synchronized LockView asLock() {
        if (view == null) {
            view = new MeteredView(client, delegate.asLock());
        }
        return view;
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    private <E extends Exception> Optional<Lease> attempt(Attempt<Optional<Lease>, E> attempt) throws E {
        long start = System.nanoTime();
        LockMeters meters = client.meters(name());
        Optional<Lease> got;
        try {
            got = attempt.run();
        } catch (IllegalArgumentException e) {
            throw e; // a caller's mistake, not an acquisition
        } catch (LockTimeoutException e) {
            record(meters, start, false);
            throw e;
        } catch (Exception e) {
            meters.failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        }
        record(meters, start, got.isPresent());
        return got.map(lease -> new MeteredLease(client, lease, meters));
    }

    static void record(LockMeters meters, long start, boolean granted) {
        (granted ? meters.granted : meters.timedOut).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
