package dev.latchkey.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one tag set (backend and lock tag). Built once per tag set and client; the meters
 * themselves are Micrometer's, shared with every other client that uses the same registry and tags.
 * Thread-safe.
 */
final class LockMeters {
    static final String ACQUIRE = "latchkey.lock.acquire";
    static final String HELD = "latchkey.lock.held";
    static final String ACTIVE = "latchkey.lock.active";
    static final String LOST = "latchkey.lock.lost";
    static final String RENEWAL_FAILURES = "latchkey.lock.renewal.failures";

    /**
     * The numbers behind the held-leases gauges, per registry and tag set: two clients that share a
     * registry and tags must add to one gauge, and Micrometer keeps the first object a gauge was
     * registered with.
     */
    private static final Map<MeterRegistry, Map<Tags, AtomicInteger>> ACTIVE_COUNTS =
            Collections.synchronizedMap(new WeakHashMap<>());

    final Timer granted;
    final Timer timedOut;
    final Timer failed;
    final Timer held;
    final Counter lost;
    final Counter renewalFailures;
    final AtomicInteger active;

    LockMeters(MeterRegistry registry, Tags tags) {
        this.granted = acquireTimer(registry, tags, "granted");
        this.timedOut = acquireTimer(registry, tags, "timeout");
        this.failed = acquireTimer(registry, tags, "failed");
        this.held = Timer.builder(HELD).description("How long leases were held, from grant to release or loss")
                .tags(tags).publishPercentiles(0.5, 0.95, 0.99).register(registry);
        this.lost = Counter.builder(LOST).description("Leases lost before their release")
                .tags(tags).register(registry);
        this.renewalFailures = Counter.builder(RENEWAL_FAILURES)
                .description("Leases lost while renewed automatically: the renewal did not keep them")
                .tags(tags).register(registry);
        this.active = ACTIVE_COUNTS.computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(tags, t -> {
                    AtomicInteger count = new AtomicInteger();
                    Gauge.builder(ACTIVE, count, AtomicInteger::get).description("Leases held now")
                            .tags(t).strongReference(true).register(registry);
                    return count;
                });
    }

    private static Timer acquireTimer(MeterRegistry registry, Tags tags, String outcome) {
        return Timer.builder(ACQUIRE)
                .description("Time spent acquiring a lock; outcome granted, timeout (the wait elapsed, or an immediate attempt found it held) or failed")
                .tags(tags).tag("outcome", outcome)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
    }

    void started() {
        active.incrementAndGet();
    }

    /** A hold that began at {@code startNanos} ended; {@code lost} if it ended without a release. */
    void ended(long startNanos, boolean lost, boolean renewing) {
        active.decrementAndGet();
        held.record(Duration.ofNanos(System.nanoTime() - startNanos));
        if (lost) {
            this.lost.increment();
            if (renewing) {
                renewalFailures.increment();
            }
        }
    }
}
