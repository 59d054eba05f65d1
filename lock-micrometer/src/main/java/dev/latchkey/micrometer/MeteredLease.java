package dev.latchkey.micrometer;

import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A lease that ends its hold in the meters once, on release, on loss, or when the client closes.
 * Every call goes to the wrapped lease; methods that return the lease return this wrapper.
 * Thread-safe.
 */
final class MeteredLease implements Lease {
    private final MeteredLockClient client;
    private final Lease delegate;
    private final LockMeters meters;
    private final long start = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean renewing;

    MeteredLease(MeteredLockClient client, Lease delegate, LockMeters meters) {
        this.client = client;
        this.delegate = delegate;
        this.meters = meters;
        meters.started();
        client.open.add(this);
        delegate.onLost(lost -> end(true));
    }

    /** Ends the hold in the meters, once. */
    void end(boolean lost) {
        if (ended.compareAndSet(false, true)) {
            client.open.remove(this);
            meters.ended(start, lost, renewing);
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public long fencingToken() {
        return delegate.fencingToken();
    }

    @Override
    public Instant deadline() {
        return delegate.deadline();
    }

    @Override
    public Duration remaining() {
        return delegate.remaining();
    }

    @Override
    public boolean isValid() {
        return delegate.isValid();
    }

    @Override
    public void extend(Duration lease) {
        try {
            delegate.extend(lease);
        } catch (LockLostException e) {
            end(true);
            throw e;
        }
    }

    @Override
    public Lease renewAutomatically() {
        renewing = true;
        try {
            delegate.renewAutomatically();
        } catch (RuntimeException e) {
            renewing = false;
            throw e;
        }
        return this;
    }

    @Override
    public Lease onLost(Consumer<? super LockLostException> listener) {
        delegate.onLost(listener);
        return this;
    }

    @Override
    public ReleaseOutcome release() {
        try {
            ReleaseOutcome outcome = delegate.release();
            end(false);
            return outcome;
        } catch (LockLostException e) {
            end(true);
            throw e;
        }
    }

    @Override
    public void close() {
        release();
    }

    void releaseQuietly() {
        try {
            release();
        } catch (RuntimeException ignored) {
            // lost or unreachable: the backend's expiry ends the hold, and end() has run or will
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
