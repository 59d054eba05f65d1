package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's {@link LockClient}: one participant. It owns its {@link Keeper} (a timer thread and
 * a pool for background driver calls) and the set of live leases it releases on close.
 * Thread-safe.
 */
public final class EngineClient implements LockClient {
    /** How long close waits for the releases of the leases still held. */
    private static final long CLOSE_RELEASE_NANOS = TimeUnit.SECONDS.toNanos(5);

    final LockDriver driver;
    final long defaultLeaseMillis;
    final Keeper keeper;
    final Set<EngineLease> live = ConcurrentHashMap.newKeySet();
    /** The Lock views' per-thread hold counts, shared by every lock object of a name. */
    final Map<ReentrantView.HoldKey, ReentrantView.Hold> viewHolds = new ConcurrentHashMap<>();
    private final Set<Capability> capabilities;
    private final Ticker ticker;
    private final String clientId;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    public EngineClient(LockDriver driver, long defaultLeaseMillis, Ticker ticker) {
        this.driver = driver;
        this.defaultLeaseMillis = defaultLeaseMillis;
        this.ticker = ticker;
        this.capabilities = Set.copyOf(Capability.closure(driver.capabilities()));
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.clientId = HexFormat.of().formatHex(id);
        this.keeper = new Keeper(driver, ticker, clientId);
    }

    @Override
    public DistributedLock lock(String name) {
        ensureOpen();
        return new EngineLock(this, Arguments.name(name));
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public String describe() {
        return driver.describe();
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        ensureOpen();
        return driver.inspect(Arguments.name(name));
    }

    @Override
    public boolean forceRelease(String name) {
        ensureOpen();
        return driver.forceRelease(Arguments.name(name));
    }

    @Override
    public boolean forget(String name) {
        ensureOpen();
        return driver.forget(Arguments.name(name));
    }

    /**
     * Stops the keeper (renewals end, async acquisitions are interrupted and undo what they got),
     * releases the leases still held, in parallel and for at most a few seconds (an unreachable
     * backend's expiry ends the rest), then closes the driver.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        keeper.shutdown();
        List<EngineLease> held = new ArrayList<>(live);
        List<Runnable> releases = new ArrayList<>();
        for (EngineLease lease : held) {
            releases.add(lease::releaseQuietly);
        }
        Keeper.runAll(releases, CLOSE_RELEASE_NANOS);
        for (EngineLease lease : held) {
            lease.abandon();
        }
        live.clear();
        driver.close();
    }

    @Override
    public String toString() {
        return "LockClient[" + clientId + ", " + describe() + "]";
    }

    /**
     * Remembers a live lease so that close can release it. Leases abandoned without release stop
     * being tracked once their deadline has passed (a sweep every 1024 grants keeps this cheap), so
     * a long-lived client does not accumulate them.
     */
    void track(EngineLease lease) {
        live.add(lease);
        if (sequence.get() % 1024 == 0) {
            long now = now();
            live.removeIf(l -> l.state.isAbandoned(now));
        }
    }

    void forget(EngineLease lease) {
        live.remove(lease);
    }

    String newToken() {
        return clientId + ":" + sequence.incrementAndGet();
    }

    long now() {
        return ticker.nanoTime();
    }

    boolean isClosed() {
        return closed.get();
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("lock client is closed: " + describe());
        }
    }
}
