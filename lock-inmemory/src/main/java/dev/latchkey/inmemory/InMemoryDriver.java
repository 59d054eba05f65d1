package dev.latchkey.inmemory;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

/** One in-memory participant's view of its space's {@link LockTable}. Thread-safe. */
final class InMemoryDriver implements LockDriver, LockTable.Participant {
    private static final Map<LockClient, InMemoryDriver> CLIENTS = Collections.synchronizedMap(new WeakHashMap<>());

    private final LockTable table;
    private final boolean fair;
    private final Ticker ticker;
    private volatile boolean dead;

    InMemoryDriver(LockTable table, boolean fair, Ticker ticker) {
        this.table = table;
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

    /** Crashes this participant: its calls fail from now on, and a waiting acquisition of it ends unserved. */
    void kill() {
        dead = true;
        table.wakeAll();
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
        checkAlive();
        return table.acquire(name, token, leaseMillis, waitNanos, fair, ticker, this);
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        checkAlive();
        return table.extend(name, token, leaseMillis);
    }

    @Override
    public boolean release(String name, String token) {
        checkAlive();
        return table.release(name, token);
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        return table.inspect(name);
    }

    @Override
    public boolean forceRelease(String name) {
        return table.forceRelease(name);
    }

    @Override
    public boolean forget(String name) {
        return table.forget(name);
    }

    @Override
    public void close() {
        // nothing to free: the table belongs to the space
    }

    @Override
    public void checkAlive() {
        if (dead) {
            throw new LockUnavailableException("in-memory participant crashed (simulated)");
        }
    }
}
