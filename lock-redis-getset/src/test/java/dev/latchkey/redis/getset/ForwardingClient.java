package dev.latchkey.redis.getset;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import java.util.Optional;
import java.util.Set;

/** A client that also closes a resource (a test's TCP proxy) when it is closed. */
final class ForwardingClient implements LockClient {
    private final LockClient delegate;
    private final AutoCloseable alsoClose;

    ForwardingClient(LockClient delegate, AutoCloseable alsoClose) {
        this.delegate = delegate;
        this.alsoClose = alsoClose;
    }

    @Override
    public DistributedLock lock(String name) {
        return delegate.lock(name);
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
    public Optional<LockInfo> inspect(String name) {
        return delegate.inspect(name);
    }

    @Override
    public boolean forceRelease(String name) {
        return delegate.forceRelease(name);
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            try {
                alsoClose.close();
            } catch (Exception ignored) {
                // a test resource; nothing more to do
            }
        }
    }
}
