package dev.latchkey.redis.lua;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import dev.latchkey.redis.common.KeyNaming;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The production Redis lock driver: one Lua script per operation, each a single round trip.
 *
 * <p>Design note. This follows the single-instance algorithm of the Redis documentation's
 * "Distributed Locks with Redis" page (redis.io): a lock is one string key holding a random
 * per-acquisition token, set with {@code SET NX PX} so that expiry is a relative TTL measured by
 * the server's clock alone (no client clocks, unlike the {@code SETNX}/{@code GETSET} recipe), and
 * release and extend are compare-the-token-then-act scripts, so nobody ever deletes or prolongs
 * someone else's hold. As Kleppmann argues in "How to do distributed locking" (2016), a lease alone
 * cannot protect a resource from a holder that pauses past its expiry, so every grant also carries a
 * <em>fencing token</em>: a per-name counter incremented by the same script that grants the lock,
 * hence strictly increasing across release, expiry and takeover. Pass it to the protected resource.
 *
 * <p>Keys, sharing the hash tag {@code {name}} so that one script can touch them in Redis Cluster:
 * <ul>
 *   <li>{@code <prefix>{name}:lock}: the holder's token, with the lease as TTL; gone when free
 *       (96 bytes by {@code MEMORY USAGE} for a short name, plus its entry in the expires table);</li>
 *   <li>{@code <prefix>{name}:fence}: the last fencing token, an integer <b>without TTL</b>. A TTL
 *       would let the counter restart and reissue old tokens, so it stays: one small key (80 bytes by
 *       {@code MEMORY USAGE}) per lock name ever acquired. Names are usually a bounded set; operators
 *       may delete the fence keys of names retired for good. Like the locks themselves, tokens are
 *       only as durable as Redis' writes: use {@code appendfsync always} (or accept the risk) if a
 *       restart must not forget holds and counters.</li>
 * </ul>
 * Waiters subscribe to {@code <prefix>{name}:wake}, on which the release script publishes only when
 * it actually released. Waiting is event driven ({@link WakeHub}): subscribe, then re-attempt, then
 * sleep until woken, but never longer than the holder's remaining TTL (returned by the failed
 * attempt), the remaining wait, or the fallback interval that covers lost messages.
 *
 * <p>Fair mode ({@code fair=true}) adds {@code <prefix>{name}:queue}, a sorted set of waiting
 * tokens by arrival (server time, {@code TIME}), and {@code <prefix>{name}:places}, each waiter's
 * place deadline (server time too: no client clock is ever compared). Only the head may take a free
 * lock; a waiter refreshes its place with every attempt, at least once per fallback interval, and
 * its place lasts twice that plus a second, so one that crashed blocks the queue for at most that
 * long, while one that gives up leaves at once. A fair release publishes the token of the head, so
 * exactly one waiter in the whole system wakes; so does a grant to the head, telling the next waiter
 * that it is now first in line (its next attempt learns the new holder's lease). Both keys vanish
 * when the queue is empty. All clients of one lock name should agree on the mode: a non-fair client
 * ignores the queue.
 *
 * <p>On a replicated Redis (Sentinel, Cluster with replicas), option {@code replicas=N} makes acquire,
 * extend and release count only once N replicas acknowledged them ({@link ReplicatedWrites}, which also
 * says what happens when they do not); only then does the driver declare {@link Capability#FAILOVER_SAFE}.
 *
 * <p>A release whose reply is lost is not recorded server-side: the engine answers a retry that
 * finds the lock gone with {@code ALREADY_RELEASED} when the first attempt left before the deadline.
 * The driver never undoes a grant itself; a failed or interrupted acquisition is undone by the engine
 * with an owner-checked release of the same token.
 *
 * <p>Thread-safe.
 */
final class LuaLockDriver implements LockDriver {

    static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY, Capability.OWNER_SAFE_RELEASE,
            Capability.LEASE_RENEWAL, Capability.FENCING_TOKENS, Capability.CLOCK_INDEPENDENT,
            Capability.NO_POLLING, Capability.REENTRANT, Capability.INTERRUPTIBLE, Capability.ASYNC, Capability.ADMIN));

    static final RedisScript ACQUIRE = RedisScript.resource(LuaLockDriver.class, "acquire.lua");
    static final RedisScript RELEASE = RedisScript.resource(LuaLockDriver.class, "release.lua");
    static final RedisScript EXTEND = RedisScript.resource(LuaLockDriver.class, "extend.lua");
    static final RedisScript INSPECT = RedisScript.resource(LuaLockDriver.class, "inspect.lua");
    static final RedisScript FORCE_RELEASE = RedisScript.resource(LuaLockDriver.class, "force-release.lua");
    static final RedisScript FAIR_ACQUIRE = RedisScript.resource(LuaLockDriver.class, "fair-acquire.lua");
    static final RedisScript FAIR_RELEASE = RedisScript.resource(LuaLockDriver.class, "fair-release.lua");
    static final RedisScript FAIR_DEQUEUE = RedisScript.resource(LuaLockDriver.class, "fair-dequeue.lua");
    static final RedisScript FORGET = RedisScript.resource(LuaLockDriver.class, "forget.lua");

    /** How long an unused subscription is kept, so that a busy lock does not resubscribe per acquisition. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final RedisPort port;
    /** Runs the scripts that change a lock: acquire, extend, release. */
    private final ReplicatedWrites writes;
    private final KeyNaming keys;
    private final long fallbackNanos;
    private final boolean fair;
    /** Fair mode: how long a waiter's place lasts after each of its attempts. */
    private final long placeMillis;
    private final WakeHub hub;
    private final Ticker ticker;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The driver owns the port and closes it. */
    LuaLockDriver(RedisPort port, KeyNaming keys, Duration fallback, boolean fair, Ticker ticker) {
        this(port, ReplicatedWrites.none(port), keys, fallback, fair, ticker);
    }

    /** The driver owns the port and closes it; {@code writes} runs on the same port. */
    LuaLockDriver(RedisPort port, ReplicatedWrites writes, KeyNaming keys, Duration fallback, boolean fair, Ticker ticker) {
        this.port = port;
        this.writes = writes;
        this.ticker = ticker;
        this.keys = keys;
        this.fallbackNanos = fallback.toNanos();
        this.fair = fair;
        this.placeMillis = 2 * fallback.toMillis() + 1_000;
        this.hub = new WakeHub(port, LINGER);
        this.description = "redis-lua " + port.describe() + " (prefix " + keys.prefix() + ", fallback "
                + fallback.toMillis() + " ms" + (fair ? ", fair" : "") + writes.describe() + ")";
    }

    static Set<Capability> capabilities(boolean fair, boolean failoverSafe) {
        if (!fair && !failoverSafe) {
            return CAPABILITIES;
        }
        EnumSet<Capability> all = EnumSet.copyOf(CAPABILITIES);
        if (fair) {
            all.add(Capability.FAIR);
        }
        if (failoverSafe) {
            all.add(Capability.FAILOVER_SAFE);
        }
        return Collections.unmodifiableSet(all);
    }

    /**
     * The outcome of one acquire script: a grant, or how long until another attempt is worth making, in
     * ms (the holder's remaining TTL, or in fair mode the waiter ahead's remaining place; -1: unknown).
     */
    private record Attempt(Grant grant, long retryMillis) {
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities(fair, writes.acknowledged());
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        long start = System.nanoTime();
        long place = fair && waitNanos > 0 ? placeMillis : 0; // a single attempt never queues
        String channel = channel(name);
        WakeHub.Waiter waiter = null;
        boolean granted = false;
        try {
            Attempt attempt = attempt(name, token, leaseMillis, place);
            if (attempt.grant() != null || waitNanos == 0) {
                granted = attempt.grant() != null;
                return attempt.grant();
            }
            waiter = hub.join(channel, token); // confirmed before the next attempt: no lost wake-up
            while (true) {
                attempt = attempt(name, token, leaseMillis, place);
                if (attempt.grant() != null) {
                    granted = true;
                    return attempt.grant();
                }
                long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return null;
                }
                long nap = Math.min(left, fallbackNanos);
                if (attempt.retryMillis() >= 0) {
                    nap = Math.min(nap, TimeUnit.MILLISECONDS.toNanos(attempt.retryMillis() + 1));
                }
                waiter.await(nap);
            }
        } finally {
            if (waiter != null) {
                hub.leave(channel, waiter, granted);
            }
            if (place > 0 && !granted) {
                dequeueQuietly(name, token); // leave the fair queue at once, and wake whoever is next
            }
        }
    }

    /**
     * One acquire script; in fair mode it also queues the caller, or refreshes its place, for
     * {@code keepPlaceMillis} (0: never queued). A failure propagates as it is: the engine undoes any
     * grant it may have made (and treats a failure on an interrupted thread as the interrupt).
     */
    private Attempt attempt(String name, String token, long leaseMillis, long keepPlaceMillis) {
        long sent = ticker.nanoTime();
        String lease = Long.toString(leaseMillis);
        List<Object> reply = fair
                ? writes.eval(FAIR_ACQUIRE, name, List.of(lockKey(name), fenceKey(name), queueKey(name), placesKey(name)),
                        List.of(token, lease, Long.toString(keepPlaceMillis), channel(name)))
                : writes.eval(ACQUIRE, name, List.of(lockKey(name), fenceKey(name)), List.of(token, lease));
        long flag = (Long) reply.get(0);
        long value = (Long) reply.get(1);
        return flag == 1 ? new Attempt(new Grant(value, sent), 0) : new Attempt(null, value);
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        return isOne(writes.eval(EXTEND, name, List.of(lockKey(name)), List.of(token, Long.toString(leaseMillis))));
    }

    @Override
    public boolean release(String name, String token) {
        return isOne(fair
                ? writes.eval(FAIR_RELEASE, name, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(token, channel(name)))
                : writes.eval(RELEASE, name, List.of(lockKey(name)), List.of(token, channel(name))));
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        List<Object> r = port.eval(INSPECT, List.of(lockKey(name), fenceKey(name), placesKey(name)), List.of());
        String holder = (String) r.get(0);
        long ttl = (Long) r.get(1);
        Object fence = r.get(2);
        int queued = (int) (long) (Long) r.get(3);
        return Optional.of(new LockInfo(name, holder, fence == null ? 0 : Long.parseLong(fence.toString()),
                holder == null || ttl < 0 ? Duration.ZERO : Duration.ofMillis(ttl), fair ? queued : -1));
    }

    @Override
    public boolean forceRelease(String name) {
        return isOne(port.eval(FORCE_RELEASE, List.of(lockKey(name), queueKey(name)), List.of(channel(name))));
    }

    @Override
    public boolean forget(String name) {
        return isOne(port.eval(FORGET, List.of(lockKey(name), fenceKey(name), queueKey(name), placesKey(name)), List.of(channel(name))));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            hub.close();
            port.close();
        }
    }

    /** For tests: whether this client currently listens for releases of {@code name}. */
    boolean isSubscribed(String name) {
        return hub.isSubscribed(channel(name));
    }

    String lockKey(String name) {
        return keys.key(name, "lock");
    }

    String channel(String name) {
        return keys.key(name, "wake");
    }

    private String fenceKey(String name) {
        return keys.key(name, "fence");
    }

    private String queueKey(String name) {
        return keys.key(name, "queue");
    }

    private String placesKey(String name) {
        return keys.key(name, "places");
    }

    private void dequeueQuietly(String name, String token) {
        try {
            port.eval(FAIR_DEQUEUE, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(token, channel(name)));
        } catch (RuntimeException ignored) {
            // unreachable: the place runs out by itself
        }
    }

    private static boolean isOne(List<Object> reply) {
        return Long.valueOf(1).equals(reply.get(0));
    }
}
