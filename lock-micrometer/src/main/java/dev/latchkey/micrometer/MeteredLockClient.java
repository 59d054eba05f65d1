package dev.latchkey.micrometer;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link LockClient} that records what its locks do in a Micrometer {@link MeterRegistry}, and
 * otherwise behaves exactly as the client it wraps: every call goes to that client, every lease and
 * {@link dev.latchkey.LockView} it returns keeps the wrapped one's semantics (the view stays reentrant
 * per thread; a lease's release, extend and {@code onLost} act on the wrapped lease).
 *
 * <pre>{@code
 * LockClient client = MeteredLockClient.builder(Locks.open("redis-lua://127.0.0.1:6379"), registry)
 *         .backendTag("orders-redis").lockNameTags(50).build();
 * }</pre>
 *
 * <p>Meters, each tagged {@code backend} (the {@link #describe()} of the wrapped client unless set)
 * and {@code lock} (the lock name for the first {@link Builder#lockNameTags(int) N} distinct names,
 * {@value #OTHER} for every other name; N is 0, so always {@value #OTHER}, unless set):
 * <ul>
 *   <li>{@code latchkey.lock.acquire} (timer with percentiles 0.5, 0.95, 0.99), tag {@code outcome}:
 *       {@code granted} (its count is the number of grants), {@code timeout} (the wait elapsed, or an
 *       immediate {@code tryAcquire}/{@code tryLock} found the lock held) or {@code failed} (the backend
 *       could not be reached, the thread was interrupted, an async acquisition was cancelled).
 *       Invalid arguments are not recorded. A reentrant {@code lock()} of the view is not an acquisition.</li>
 *   <li>{@code latchkey.lock.held} (timer with percentiles): from grant to release or to loss.</li>
 *   <li>{@code latchkey.lock.active} (gauge): leases held now, summed over every metered client on the
 *       registry with the same tags.</li>
 *   <li>{@code latchkey.lock.lost} (counter): holds that ended without a release.</li>
 *   <li>{@code latchkey.lock.renewal.failures} (counter): the subset of those losses whose lease was
 *       renewed automatically, so that renewal did not keep it.</li>
 * </ul>
 *
 * <p><b>Thread-safety:</b> safe for concurrent use, like the wrapped client; so are its locks, leases
 * and views.
 *
 * <p><b>On lease loss:</b> nothing changes for the caller (the wrapped lease reports it as always).
 * The loss is counted when the wrapped lease reports it to {@code onLost} listeners; this wrapper
 * registers one on every lease it hands out, so a lease that simply runs out is counted when its
 * deadline passes. A lease of the {@link dev.latchkey.LockView} is not visible to the caller, so its
 * loss is counted when {@code unlock()} reports it. Closing this client closes the wrapped one and
 * ends the holds it released.
 */
public final class MeteredLockClient implements LockClient {
    /** The {@code lock} tag of names beyond the cardinality limit. */
    public static final String OTHER = "other";

    private final LockClient delegate;
    private final MeterRegistry registry;
    private final String backend;
    private final int maxLockNames;
    /** Lock names that have a tag of their own; guarded by itself. */
    private final Set<String> taggedNames = new HashSet<>();
    private final Map<String, LockMeters> meters = new ConcurrentHashMap<>();
    /** Leases granted through this client and not yet ended, so that close can end them. */
    final Set<MeteredLease> open = ConcurrentHashMap.newKeySet();
    /** The views' holds (first lock to last unlock), per lock name and thread, as the wrapped client keys them. */
    final Map<List<Object>, MeteredView.Hold> viewHolds = new ConcurrentHashMap<>();

    private MeteredLockClient(LockClient delegate, MeterRegistry registry, String backend, int maxLockNames) {
        this.delegate = delegate;
        this.registry = registry;
        this.backend = backend;
        this.maxLockNames = maxLockNames;
    }

    /**
     * Wraps {@code client}, tagging meters with {@code backend} = {@code client.describe()} and no
     * per-name tags.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static MeteredLockClient wrap(LockClient client, MeterRegistry registry) {
        return builder(client, registry).build();
    }

    /**
     * A builder for a metered wrapper of {@code client}.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static Builder builder(LockClient client, MeterRegistry registry) {
        return new Builder(client, registry);
    }

    /** The wrapped client. */
    public LockClient unwrap() {
        return delegate;
    }

    @Override
    public DistributedLock lock(String name) {
        return new MeteredLock(this, delegate.lock(name));
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
    public boolean forget(String name) {
        return delegate.forget(name);
    }

    /** Closes the wrapped client (which releases what is still held) and ends those holds in the meters. */
    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            for (MeteredLease lease : open) {
                lease.end(false);
            }
            viewHolds.keySet().forEach(key -> viewHolds.computeIfPresent(key, (k, hold) -> {
                hold.end(false);
                return null;
            }));
        }
    }

    @Override
    public String toString() {
        return "MeteredLockClient[" + delegate + "]";
    }

    /** The meters for a lock name, folding names beyond the limit into {@link #OTHER}. */
    LockMeters meters(String name) {
        String tag;
        synchronized (taggedNames) {
            tag = taggedNames.contains(name) || (taggedNames.size() < maxLockNames && taggedNames.add(name)) ? name : OTHER;
        }
        return meters.computeIfAbsent(tag, t -> new LockMeters(registry, Tags.of("backend", backend, "lock", t)));
    }

    boolean renews() {
        return delegate.capabilities().contains(Capability.LEASE_RENEWAL);
    }

    /**
     * Configures a {@link MeteredLockClient}. Not thread-safe: configure on one thread, then share the
     * client it builds. It holds no leases, so lease loss does not concern it.
     */
    public static final class Builder {
        private final LockClient client;
        private final MeterRegistry registry;
        private String backend;
        private int maxLockNames;

        private Builder(LockClient client, MeterRegistry registry) {
            if (client == null) {
                throw new IllegalArgumentException("client must not be null");
            }
            if (registry == null) {
                throw new IllegalArgumentException("registry must not be null");
            }
            this.client = client;
            this.registry = registry;
            this.backend = client.describe();
        }

        /**
         * The value of the {@code backend} tag; {@code client.describe()} by default.
         *
         * @throws IllegalArgumentException if {@code backend} is null or blank
         */
        public Builder backendTag(String backend) {
            if (backend == null || backend.isBlank()) {
                throw new IllegalArgumentException("backend must not be null or blank");
            }
            this.backend = backend;
            return this;
        }

        /**
         * Tags meters with the lock name for the first {@code maxDistinctNames} names this client
         * meets; later names share the tag {@value MeteredLockClient#OTHER}. 0 (the default) tags
         * every lock {@value MeteredLockClient#OTHER}. Keep it small: each name costs a few meters.
         *
         * @throws IllegalArgumentException if {@code maxDistinctNames} is negative
         */
        public Builder lockNameTags(int maxDistinctNames) {
            if (maxDistinctNames < 0) {
                throw new IllegalArgumentException("maxDistinctNames must not be negative, was " + maxDistinctNames);
            }
            this.maxLockNames = maxDistinctNames;
            return this;
        }

        /** The metered client. */
        public MeteredLockClient build() {
            return new MeteredLockClient(client, registry, backend, maxLockNames);
        }
    }
}
