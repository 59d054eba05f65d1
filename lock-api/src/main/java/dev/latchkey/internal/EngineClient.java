package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockDriver;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's {@link LockClient}: one participant. It owns one scheduler thread (renewal and
 * expiry watches), a lazily started pool for async acquisitions, and the set of live leases it
 * releases on close. Thread-safe.
 */
public final class EngineClient implements LockClient {
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final LockDriver driver;
    final long defaultLeaseMillis;
    final Set<EngineLease> live = ConcurrentHashMap.newKeySet();
    /** The Lock views' per-thread hold counts, shared by every lock object of a name. */
    final Map<ReentrantView.HoldKey, ReentrantView.Hold> viewHolds = new ConcurrentHashMap<>();
    private final Set<Capability> capabilities;
    private final String clientId;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile ExecutorService async;

    public EngineClient(LockDriver driver, long defaultLeaseMillis) {
        this.driver = driver;
        this.defaultLeaseMillis = defaultLeaseMillis;
        this.capabilities = Set.copyOf(Capability.closure(driver.capabilities()));
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.clientId = HexFormat.of().formatHex(id);
        int n = CLIENTS.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("latchkey-renewal-" + n));
        this.scheduler.setRemoveOnCancelPolicy(true);
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
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (EngineLease lease : live) {
            lease.releaseQuietly();
        }
        scheduler.shutdownNow();
        ExecutorService pool = async;
        if (pool != null) {
            pool.shutdownNow();
        }
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
            live.removeIf(l -> l.abandonedBy(now));
        }
    }

    String newToken() {
        return clientId + ":" + sequence.incrementAndGet();
    }

    long now() {
        return driver.ticker().nanoTime();
    }

    ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    ExecutorService async() {
        ExecutorService pool = async;
        if (pool == null) {
            synchronized (this) {
                pool = async;
                if (pool == null) {
                    async = pool = Executors.newCachedThreadPool(daemon("latchkey-async-" + clientId));
                }
            }
        }
        return pool;
    }

    boolean isClosed() {
        return closed.get();
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("lock client is closed: " + describe());
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
