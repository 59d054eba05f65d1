package dev.latchkey.spi;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A driver that forwards every call to another: the base of the decorators a
 * {@link LockEnvironment} applies (the conformance kit's fault injection, for example). Override what
 * the decorator changes. Thread-safe if the driver it wraps is.
 */
public abstract class ForwardingLockDriver implements LockDriver {
    private final LockDriver delegate;

    protected ForwardingLockDriver(LockDriver delegate) {
        this.delegate = delegate;
    }

    /** The driver this one forwards to. */
    protected final LockDriver delegate() {
        return delegate;
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public @Nullable Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        return delegate.acquire(name, token, leaseMillis, waitNanos);
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        return delegate.extend(name, token, leaseMillis);
    }

    @Override
    public boolean release(String name, String token) {
        return delegate.release(name, token);
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        return delegate.inspect(name);
    }

    @Override
    public boolean forceRelease(String name) {
        return delegate.forceRelease(name);
    }

    @Override
    public boolean forget(String name) {
        return delegate.forget(name);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
