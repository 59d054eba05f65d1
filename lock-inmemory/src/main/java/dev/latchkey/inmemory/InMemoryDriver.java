package dev.latchkey.inmemory;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * One in-memory participant's view of its space's {@link LockTable}, through its {@link Wire.Path}: every
 * call sends its request on the wire, runs against the table, and receives its reply. Thread-safe.
 */
final class InMemoryDriver implements LockDriver {
    private static final Map<LockClient, InMemoryDriver> CLIENTS = Collections.synchronizedMap(new WeakHashMap<>());

    private final InMemorySpace space;
    private final LockTable table;
    private final Wire wire;
    final Wire.Path path = new Wire.Path();
    private final boolean fair;
    private final Ticker ticker;

    InMemoryDriver(InMemorySpace space, boolean fair, Ticker ticker) {
        this.space = space;
        this.table = space.table;
        this.wire = space.wire;
        this.fair = fair;
        this.ticker = ticker;
    }

    static Set<Capability> capabilities(boolean fair) {
        Set<Capability> all = EnumSet.allOf(Capability.class);
        all.remove(Capability.FAILOVER_SAFE); // one space, no replicas: nothing to fail over
        if (!fair) {
            all.remove(Capability.FAIR);
        }
        return all;
    }

    static void register(LockClient client, InMemoryDriver driver) {
        CLIENTS.put(client, driver);
    }

    static InMemoryDriver of(LockClient client) {
        InMemoryDriver driver = CLIENTS.get(client);
        if (driver == null) {
            throw new IllegalArgumentException("not an in-memory client: " + client);
        }
        return driver;
    }

    InMemorySpace space() {
        return space;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities(fair);
    }

    @Override
    public String describe() {
        return "inmemory" + (fair ? " (fair)" : "");
    }

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        long sent = wire.send(path);
        // asked before every grant and after every wake-up: a participant cut off (or crashed, or whose
        // connection a restart closed) while it waits is never granted the lock
        Grant grant = table.acquire(name, token, leaseMillis, waitNanos, fair, ticker, () -> wire.check(path, sent));
        wire.receive(path, sent);
        return grant;
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        return call(() -> table.extend(name, token, leaseMillis));
    }

    @Override
    public boolean release(String name, String token) {
        return call(() -> table.release(name, token));
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        return call(() -> table.inspect(name));
    }

    @Override
    public boolean forceRelease(String name) {
        return call(() -> table.forceRelease(name));
    }

    @Override
    public boolean forget(String name) {
        return call(() -> table.forget(name));
    }

    private <T> T call(Supplier<T> served) {
        long sent = wire.send(path);
        T reply = served.get();
        wire.receive(path, sent);
        return reply;
    }

    @Override
    public void close() {
        // nothing to free: the table belongs to the space
    }
}
