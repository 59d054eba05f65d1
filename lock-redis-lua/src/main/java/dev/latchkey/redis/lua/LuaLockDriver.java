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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The production Redis lock driver: one Lua script per operation, each a single round trip.
 *
 * <p>Design note. This follows the single-instance algorithm of the Redis documentation's
 * "Distributed Locks with Redis" page (redis.io): the holder is a random per-acquisition token,
 * release and extend compare the token before they act, so nobody ever ends or prolongs someone
 * else's hold, and expiry is measured by the server's clock alone, never a client's. As Kleppmann
 * argues in "How to do distributed locking" (2016), a lease alone cannot protect a resource from a
 * holder that pauses past its expiry, so every grant also carries a <em>fencing token</em>, a per-name
 * counter advanced by the same script that grants. Pass it to the protected resource.
 *
 * <p><b>One key per name</b> (see {@code prelude.lua}): {@code <prefix>{name}} is a small hash holding
 * the holder's token ({@code o}), the end of its hold in server milliseconds ({@code e}, compared with
 * {@code TIME}) and the fencing counter ({@code f}). The key itself never expires: a TTL would take the
 * counter with it when a hold ran out, and tokens would restart. So a hold "expires" when the server's
 * clock passes {@code e}, exactly as a {@code PEXPIRE} would (Redis' own expiry reads the same clock),
 * and a free lock keeps {@code f} alone: one small key per name ever acquired (operators may
 * {@link #forget} names retired for good). Like the locks, tokens are only as durable as Redis' writes:
 * use {@code appendfsync always} if a restart must not forget holds and counters. Waiters add
 * {@code <prefix>{name}:q} and {@code :p} while they wait. Every key of a name shares the hash tag.
 *
 * <p><b>Direct hand-off.</b> A waiter that could not acquire is queued in Redis by that same attempt,
 * with its lease, and keeps a <em>place</em> that it refreshes every {@link #refreshNanos} (at most a
 * quarter of its lease, at most the fallback interval) and that lasts twice that plus a second. A
 * release that finds a waiter with a live place grants the lock to it inside the release script (its
 * token, its lease, the next fencing token) and publishes {@code g <fencing token> <token>} on
 * {@code <prefix>{name}:wake}; that waiter returns on the message, with no round trip of its own
 * ({@link WakeHub}). The lock is never free between two holders, so nobody barges in between.
 *
 * <p><b>The lease of a hand-off grant, and why the engine's late-grant check stays truthful.</b> The
 * engine measures a lease from {@link Grant#sentNanos()}, which must precede the moment the server
 * granted, and undoes a grant that arrives with less than half its lease left. A hand-off is granted
 * by someone else's request, so the waiter reports the send time of <em>its own latest request that
 * the server answered "queued, not granted"</em>: that request ran before the grant (the grant would
 * otherwise have been in its answer), so it was sent before the grant and the local deadline is never
 * later than the server's. Its answer also carries the fencing counter at that moment, and a hand-off
 * message is accepted only with a larger fencing token: one granted after that request. An older one
 * (a hand-off whose hold has since ended, announced late) is ignored. Because the place is refreshed
 * at least every quarter lease, that request is at most a quarter lease (plus a round trip) old when
 * the message comes, so a hand-off arriving on time passes the engine's check, and one delayed by
 * more than a quarter lease is undone by it, as it should be. The same bound serves an attempt that
 * finds the lock already the caller's (a message lost, or the subscription confirmed after the
 * hand-off), and with no such request yet, the moment the acquisition began.
 *
 * <p><b>Replica acknowledgement.</b> On a replicated Redis (Sentinel, Cluster with replicas), option
 * {@code replicas=N} makes every script that changes a lock (acquire, extend, release, the local pass,
 * a dequeue that passes a hand-off on) count only once N replicas acknowledged it ({@link ReplicatedWrites},
 * which also says what happens when they do not); only then does the driver declare
 * {@link Capability#FAILOVER_SAFE}. A hand-off is announced from inside the release script, before the
 * releaser's {@code WAIT} returns, so with acknowledgement a waiter does not return on the message: it
 * confirms the grant with one more attempt, which finds the lock its own, writes (so that its
 * {@code WAIT} covers the releaser's write before it in the replication stream) and waits for the
 * replicas like any other change.
 *
 * <p><b>A waiter that leaves</b> (timed out, interrupted, cancelled) removes its place, and if a
 * hand-off raced its leaving, the same script passes the lock on ({@code dequeue.lua}); if that call
 * fails, the acquisition fails and the engine's undo (an owner-checked release, which also drops a
 * place left behind) takes over. <b>A waiter that crashed</b> stops refreshing; its place runs out
 * within twice the refresh interval plus a second and releases skip it. A release in that window
 * hands the lock to the dead waiter, which then holds it for its own lease, as a holder that crashed
 * just after acquiring would (TCK rule LE-07).
 *
 * <p><b>Local cohorting</b> (non-fair mode, {@link Cohort}): one contender per name and client goes to
 * Redis; the client's other threads queue locally, and a release passes the hold to the next of them
 * in one round trip ({@code pass.lua}), at most {@link #MAX_LOCAL_PASSES} times in a row while a waiter
 * of another client has a live place.
 *
 * <p><b>Fair mode</b> ({@code fair=true}): no cohorting (every waiting acquisition has its own place in
 * Redis, so arrival order holds across threads and clients alike), and only the first live waiter may
 * take a free lock; a single attempt never queues. All clients of one name should agree on the mode.
 *
 * <p>A release whose reply is lost is not recorded server-side: the engine answers a retry that finds
 * the lock gone with {@code ALREADY_RELEASED} when the first attempt left before the deadline. The
 * driver never undoes a grant it returned; a failed or interrupted acquisition is undone by the engine
 * with an owner-checked release of the same token.
 *
 * <p>Thread-safe. No Redis call is made while a monitor is held.
 */
final class LuaLockDriver implements LockDriver {

    static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY, Capability.OWNER_SAFE_RELEASE,
            Capability.LEASE_RENEWAL, Capability.FENCING_TOKENS, Capability.CLOCK_INDEPENDENT,
            Capability.NO_POLLING, Capability.REENTRANT, Capability.INTERRUPTIBLE, Capability.ASYNC, Capability.ADMIN));

    /** Local hand-offs in a row after which a waiting client elsewhere gets the lock (see {@link Cohort}). */
    static final int MAX_LOCAL_PASSES = 8;

    static final RedisScript ACQUIRE = script("acquire.lua");
    static final RedisScript RELEASE = script("release.lua");
    static final RedisScript PASS = script("pass.lua");
    static final RedisScript EXTEND = script("extend.lua");
    static final RedisScript DEQUEUE = script("dequeue.lua");
    static final RedisScript INSPECT = script("inspect.lua");
    static final RedisScript FORCE_RELEASE = script("force-release.lua");
    static final RedisScript FORGET = script("forget.lua");

    /** How long an unused subscription is kept, so that a busy lock does not resubscribe per acquisition. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final RedisPort port;
    /** Runs the scripts that change a lock, so that they count only once the replicas have them. */
    private final ReplicatedWrites writes;
    private final KeyNaming keys;
    private final long fallbackNanos;
    private final boolean fair;
    private final WakeHub hub;
    private final Ticker ticker;
    private final String description;
    private final Map<String, Cohort> cohorts = new ConcurrentHashMap<>();
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
        this.hub = new WakeHub(port, LINGER);
        this.description = "redis-lua " + port.describe() + " (prefix " + keys.prefix() + ", fallback "
                + fallback.toMillis() + " ms" + (fair ? ", fair" : "") + writes.describe() + ")";
    }

    private static RedisScript script(String file) {
        String prelude = RedisScript.resource(LuaLockDriver.class, "prelude.lua").body();
        return new RedisScript(file, prelude + RedisScript.resource(LuaLockDriver.class, file).body());
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
     * The answer of one acquire script, sent at {@code sent} (ticker nanos): {@code kind} 1 granted now, 2
     * already the caller's, 0 queued; {@code fence} the fencing token (granted) or the last one issued
     * (queued); {@code retryMillis} (queued) how long until another attempt is worth making, -1: unknown.
     */
    private record Attempt(long kind, long fence, long retryMillis, long sent) {
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
        long start = ticker.nanoTime();
        if (fair || waitNanos == 0) {
            Grant grant = remote(name, token, leaseMillis, waitNanos, start);
            if (grant != null && !fair) {
                Cohort cohort = enter(name);
                synchronized (cohort) {
                    cohort.heldFromRedis(token, grant.sentNanos() + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
                    cohort.users--;
                }
            }
            return grant;
        }
        Cohort cohort = enter(name);
        try {
            return cohorted(cohort, name, token, leaseMillis, waitNanos, start);
        } finally {
            leave(name, cohort, true);
        }
    }

    /** A waiting acquisition in non-fair mode: queue locally until passed the lock, or until it is this client's turn in Redis. */
    private Grant cohorted(Cohort cohort, String name, String token, long leaseMillis, long waitNanos, long start)
            throws InterruptedException {
        Cohort.Local me = new Cohort.Local(token, leaseMillis);
        synchronized (cohort) {
            cohort.queue.addLast(me);
        }
        while (true) {
            long sleep;
            synchronized (cohort) {
                long now = ticker.nanoTime();
                cohort.promote(now);
                if (me.grant != null) {
                    return me.grant; // passed by a release of this client, which recorded the new holder
                }
                if (cohort.contender == me) {
                    break;
                }
                long left = left(waitNanos, start, now);
                if (me.passing) {
                    sleep = fallbackNanos; // the pass's outcome comes within one call
                } else if (left <= 0) {
                    cohort.queue.remove(me);
                    return null;
                } else if (cohort.contender == null && cohort.holder != null) {
                    sleep = Math.min(left, cohort.holdUntil - now); // when a hold abandoned without release runs out
                } else {
                    sleep = left; // woken by a pass, or when the contender is done
                }
            }
            try {
                me.await(sleep);
            } catch (InterruptedException e) {
                abandon(cohort, me);
                throw e;
            }
        }
        Grant grant = null;
        try {
            grant = remote(name, token, leaseMillis, Math.max(0, left(waitNanos, start, ticker.nanoTime())), start);
            return grant;
        } finally {
            synchronized (cohort) {
                cohort.contender = null;
                if (grant != null) {
                    cohort.heldFromRedis(token, grant.sentNanos() + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
                }
                cohort.promote(ticker.nanoTime());
            }
        }
    }

    /**
     * An interrupted local waiter leaves the queue. One that a release has claimed for a pass first waits
     * for the pass's outcome (one call): if it was granted, the engine undoes it when the interrupt is thrown.
     */
    private void abandon(Cohort cohort, Cohort.Local me) {
        synchronized (cohort) {
            boolean interrupted = false;
            while (me.passing) {
                try {
                    cohort.wait(10);
                } catch (InterruptedException again) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            cohort.queue.remove(me);
            if (cohort.contender == me) {
                cohort.contender = null;
            }
            cohort.promote(ticker.nanoTime());
        }
    }

    /**
     * The Redis part of an acquisition: one attempt, which queues the caller (a single attempt never
     * queues); then, subscribed, attempts that refresh its place, between which it sleeps until a
     * hand-off message, the refresh interval, the wait's end or the moment the current hold (or, in
     * fair mode, the first waiter's place) runs out. See the class note for the lease of a hand-off.
     */
    private Grant remote(String name, String token, long leaseMillis, long waitNanos, long start) throws InterruptedException {
        long refresh = refreshNanos(leaseMillis);
        long placeMillis = waitNanos == 0 ? 0 : 2 * TimeUnit.NANOSECONDS.toMillis(refresh) + 1_000;
        Attempt attempt = attempt(name, token, leaseMillis, placeMillis);
        if (attempt.kind() != 0) {
            return new Grant(attempt.fence(), attempt.kind() == 1 ? attempt.sent() : start);
        }
        if (waitNanos == 0) {
            return null;
        }
        long bound = attempt.sent(); // the send time of the latest request answered "queued"
        long boundFence = attempt.fence(); // and the fencing counter it saw
        String channel = channel(name);
        WakeHub.Waiter waiter = hub.join(channel, token); // confirmed before the next attempt: no lost hand-off
        boolean done = false;
        try {
            while (true) {
                waiter.rearm();
                attempt = attempt(name, token, leaseMillis, placeMillis);
                if (attempt.kind() != 0) {
                    done = true;
                    return new Grant(attempt.fence(), attempt.kind() == 1 ? attempt.sent() : bound);
                }
                bound = attempt.sent();
                boundFence = attempt.fence();
                long next = System.nanoTime() + Math.min(refresh, attempt.retryMillis() >= 0
                        ? TimeUnit.MILLISECONDS.toNanos(attempt.retryMillis() + 1) : Long.MAX_VALUE);
                while (waiter.handedFence() <= boundFence) {
                    long nap = Math.min(Math.min(next, waiter.otherHoldEnds()) - System.nanoTime(), left(waitNanos, start, ticker.nanoTime()));
                    if (nap <= 0) {
                        break;
                    }
                    waiter.await(nap);
                }
                if (waiter.handedFence() > boundFence && !writes.acknowledged()) {
                    done = true;
                    return new Grant(waiter.handedFence(), bound);
                }
                // with replica acknowledgement, the next attempt confirms the hand-off (see the class note)
                if (left(waitNanos, start, ticker.nanoTime()) <= 0) {
                    done = true;
                    dequeue(name, token); // a failure here fails the acquisition: the engine's undo drops the place
                    return null;
                }
            }
        } finally {
            hub.leave(channel, waiter);
            if (!done) {
                try {
                    dequeue(name, token); // interrupted or failed: leave the queue at once; the engine undoes the rest
                } catch (RuntimeException ignored) {
                    // unreachable: the place runs out by itself
                }
            }
        }
    }

    /** How often a waiter refreshes its place: a quarter of its lease, at most the fallback interval. */
    private long refreshNanos(long leaseMillis) {
        return Math.min(fallbackNanos, Math.max(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(leaseMillis) / 4));
    }

    private static long left(long waitNanos, long start, long now) {
        return waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (now - start);
    }

    /**
     * One acquire script; not granted, it also queues the caller, or refreshes its place, for
     * {@code placeMillis} (0: never queued). A failure propagates as it is: the engine undoes any grant
     * it may have made (and treats a failure on an interrupted thread as the interrupt).
     */
    private Attempt attempt(String name, String token, long leaseMillis, long placeMillis) {
        long sent = ticker.nanoTime();
        List<Object> reply = writes.eval(ACQUIRE, name, List.of(lockKey(name), queueKey(name), placesKey(name)),
                List.of(token, Long.toString(leaseMillis), Long.toString(placeMillis), fair ? "1" : "0"));
        long kind = (Long) reply.get(0);
        return kind == 0 ? new Attempt(0, (Long) reply.get(2), (Long) reply.get(1), sent) : new Attempt(kind, (Long) reply.get(1), -1, sent);
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        long sent = ticker.nanoTime();
        boolean extended = isOne(writes.eval(EXTEND, name, List.of(lockKey(name)), List.of(token, Long.toString(leaseMillis))));
        Cohort cohort = fair ? null : cohorts.get(name);
        if (extended && cohort != null) {
            synchronized (cohort) {
                if (token.equals(cohort.holder)) {
                    cohort.holdUntil = sent + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
                }
            }
        }
        return extended;
    }

    /**
     * Releases; in non-fair mode, when a thread of this client waits for the lock, passes the hold to it
     * in the same round trip (see {@link Cohort}).
     */
    @Override
    public boolean release(String name, String token) {
        Cohort cohort = fair ? null : cohorts.get(name);
        Cohort.Local next = null;
        int passes = 0;
        if (cohort != null) {
            synchronized (cohort) {
                if (token.equals(cohort.holder)) {
                    next = cohort.queue.pollFirst();
                    if (next == null) {
                        cohort.holder = null;
                    } else {
                        next.passing = true;
                        passes = cohort.passes;
                    }
                }
            }
        }
        if (next == null) {
            try {
                return isOne(writes.eval(RELEASE, name, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(token, channel(name))));
            } finally {
                if (cohort != null) {
                    leave(name, cohort, false);
                }
            }
        }
        long sent = ticker.nanoTime();
        long kind = 0;
        try {
            List<Object> reply = writes.eval(PASS, name, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(token, next.token,
                    Long.toString(next.leaseMillis), Integer.toString(passes), Integer.toString(MAX_LOCAL_PASSES), channel(name)));
            kind = (Long) reply.get(0);
            if (kind == 1) {
                synchronized (cohort) {
                    next.grant = new Grant((Long) reply.get(1), sent);
                    cohort.holder = next.token;
                    cohort.holdUntil = sent + TimeUnit.MILLISECONDS.toNanos(next.leaseMillis);
                    cohort.passes++;
                }
            }
            return kind != 0;
        } finally {
            synchronized (cohort) {
                next.passing = false;
                if (kind != 1) {
                    // released elsewhere, not ours, or unknown (a failure: the waiter's own attempt in Redis will tell)
                    cohort.holder = null;
                    cohort.queue.addFirst(next);
                    cohort.promote(ticker.nanoTime());
                }
                next.signal();
                cohort.notifyAll(); // an interrupted waiter may be waiting for this outcome
            }
        }
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        List<Object> r = port.eval(INSPECT, List.of(lockKey(name), placesKey(name)), List.of());
        String holder = (String) r.get(0);
        long ttl = (Long) r.get(1);
        Object fence = r.get(2);
        int queued = (int) (long) (Long) r.get(3);
        return Optional.of(new LockInfo(name, holder, fence == null ? 0 : Long.parseLong(fence.toString()),
                holder == null || ttl < 0 ? Duration.ZERO : Duration.ofMillis(ttl), fair ? queued : -1));
    }

    @Override
    public boolean forceRelease(String name) {
        boolean held = isOne(port.eval(FORCE_RELEASE, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(channel(name))));
        holdEnded(name);
        return held;
    }

    @Override
    public boolean forget(String name) {
        boolean removed = isOne(port.eval(FORGET, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(channel(name))));
        holdEnded(name);
        return removed;
    }

    /** A hold of this client ended behind its back (forced): its local waiters turn to Redis at once. */
    private void holdEnded(String name) {
        Cohort cohort = cohorts.get(name);
        if (cohort != null) {
            synchronized (cohort) {
                cohort.holder = null;
                cohort.promote(ticker.nanoTime());
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            hub.close();
            port.close();
        }
    }

    /** For tests: whether this client currently listens for hand-offs of {@code name}. */
    boolean isSubscribed(String name) {
        return hub.isSubscribed(channel(name));
    }

    /** The one key of a name: a hash of holder, expiry and fencing counter (see {@code prelude.lua}). */
    String lockKey(String name) {
        return keys.prefix() + "{" + name + "}";
    }

    String channel(String name) {
        return keys.key(name, "wake");
    }

    private String queueKey(String name) {
        return keys.key(name, "q");
    }

    private String placesKey(String name) {
        return keys.key(name, "p");
    }

    /** Joins the cohort of {@code name}, creating it if need be. */
    private Cohort enter(String name) {
        while (true) {
            Cohort cohort = cohorts.computeIfAbsent(name, n -> new Cohort());
            synchronized (cohort) {
                if (!cohort.retired) {
                    cohort.users++;
                    return cohort;
                }
            }
        }
    }

    /** After an acquisition ({@code user}) or a release: drops the cohort once nobody uses it and this client holds nothing. */
    private void leave(String name, Cohort cohort, boolean user) {
        synchronized (cohort) {
            if (user) {
                cohort.users--;
            }
            if (!cohort.idle() || cohort.retired) {
                return;
            }
            cohort.retired = true;
        }
        cohorts.remove(name, cohort);
    }

    private void dequeue(String name, String token) {
        writes.eval(DEQUEUE, name, List.of(lockKey(name), queueKey(name), placesKey(name)), List.of(token, channel(name)));
    }

    private static boolean isOne(List<Object> reply) {
        return Long.valueOf(1).equals(reply.get(0));
    }
}
