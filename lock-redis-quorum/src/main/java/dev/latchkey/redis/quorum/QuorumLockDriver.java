package dev.latchkey.redis.quorum;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.common.KeyNaming;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The quorum lock driver: a lock over N (odd, at least 3) independent Redis masters, held while a
 * majority Q = N/2 + 1 of them hold it, with fencing tokens that never go back.
 *
 * <p>Design note. Sources: the Redis documentation's "Distributed Locks with Redis" page (redis.io,
 * the Redlock algorithm), Martin Kleppmann's critique "How to do distributed locking" (2016) and
 * Salvatore Sanfilippo's reply "Is Redlock safe?" (2016). Redlock takes the lock on every node with a
 * random value and a relative TTL and trusts it only if a majority granted it within its validity
 * time. Kleppmann showed that a lease alone cannot protect a resource from a holder that pauses past
 * its expiry, that Redlock depends on bounded clock drift and process pauses, and that a node which
 * restarts without its data can grant the lock a second time; Antirez answered that the
 * restart case is handled by persistence or by delaying restarts for a TTL, and that the client's
 * validity check covers delays before the reply. This driver therefore adds fencing tokens made
 * monotonic by majority intersection, and its README states the assumption under which they hold.
 *
 * <p>One acquisition attempt is a <em>round</em>:
 * <ol>
 *   <li><b>Acquire</b> on every node in parallel (one round trip): {@code acquire.lua} sets
 *       {@code <prefix>{name}:qlock} to {@code token#round} with a TTL of lease + drift, if free (or held by an
 *       earlier round of this same acquisition, never a later one: requests to one node may overtake each
 *       other), and returns the node's fence. The round decides as soon as
 *       it can: Q nodes acquired, or Q can no longer be reached; it never waits for a straggler it does not need.</li>
 *   <li><b>Commit the fencing token</b> (one more round trip): the token is the highest fence the round
 *       read, plus one; {@code commit.lua} raises every node's fence to it, and counts where the round
 *       still holds the lock. The grant needs Q such nodes.</li>
 *   <li><b>Validity.</b> The grant is reported only if it is still valid: Redlock's validity is
 *       TTL − elapsed − drift, where drift = {@value #DRIFT_PERCENT}% of the lease + {@value #DRIFT_MILLIS} ms
 *       covers the nodes' clocks running faster than the client's. The nodes are asked for a TTL of
 *       lease + drift, so the validity is exactly lease − elapsed, measured from the first request of the
 *       round: the engine's deadline (the {@link Grant#sentNanos()} of this round plus the lease) ends no
 *       later than a majority's keys even with that drift.</li>
 * </ol>
 * A round that does not reach Q in time is <b>undone at once on every node</b> it may have touched: an
 * owner-checked delete of its exact value {@code token#round}, which can never touch a later round of
 * the same acquisition. Requests that never left the client are dropped instead, and a request still in
 * flight is undone when its reply comes. Each round uses a fresh value for this reason.
 *
 * <p><b>What the engine does, and what this driver does.</b> The engine ({@link dev.latchkey.spi.LockEngine})
 * owns leases, renewal, async, the Lock view, late-grant checks (a grant that arrives with less than
 * half of its lease left is undone by it) and the undo of every acquisition whose outcome is in doubt
 * (a call that failed or was interrupted, a grant raced by a cancellation): it calls
 * {@link #release} with the engine's token, and {@code release.lua} deletes any round of that token,
 * so a token whose acquisition this driver never confirmed is released too. This driver undoes only
 * its own failed rounds (no majority, a failed commit, validity gone), which are part of the round,
 * and never a grant it returned.
 *
 * <p><b>Hold, extend, release.</b> A hold is valid while a majority holds it. {@link #extend} succeeds
 * only if Q nodes extended (and the engine discards an extension confirmed after its own new deadline);
 * it also rewrites the value to the bare token so that a late undo of an earlier round cannot delete
 * what it counted. If fewer than Q extended, the hold is lost and the minority copies are deleted.
 * {@link #release} answers true when Q nodes released it. When too few nodes answered to tell, either
 * call throws {@link LockUnavailableException}: the outcome is unknown and the engine treats it so.
 *
 * <p><b>Waiting</b> is event driven: a failed round whose lock has a majority holder subscribes on
 * every node ({@link QuorumWakeHub}, one multiplexed pub/sub connection per node and client),
 * attempts again, and then sleeps until a release message arrives from any node, but never longer
 * than the time until a majority of the blocking keys expire, the remaining wait, or the fallback
 * interval that covers lost messages. A <b>split vote</b> (no majority holder: contenders each took
 * some nodes, and undid them) is different: nobody holds the lock and one of the contenders must win
 * it, so each retries by itself after a random backoff whose window doubles per split up to 32 ms; a
 * contender that saw one of higher priority (a pseudo-random order of the tokens, new with every
 * acquisition) waits a whole window first, so the contest converges. Their undo sends no wake-up,
 * which would only herd them. A single attempt ({@code wait = 0}) retries split votes for at most
 * 250 ms or ten of its rounds, whichever is longer: it gives up on a lock that is held, not on one
 * that is being contended. This is the one place where the driver retries on a timer; it ends when a
 * contender wins or, if only leftovers of abandoned rounds split the nodes, when they expire. A waiter
 * woken by a release pauses for up to one round's duration (at most 5 ms) before its attempt, so that
 * the first waiters of several clients, woken by the same release, do not all split the nodes.
 *
 * <p>Keys, all sharing the hash tag {@code {name}}: {@code <prefix>{name}:qlock} (the holder's value,
 * with the TTL), {@code <prefix>{name}:qfence} (the last fencing token committed on that node, with no
 * TTL: about 80 bytes per name ever used, per node), channel {@code <prefix>{name}:qwake}. They differ
 * from redis-lua's, so the two backends never misread each other's keys.
 *
 * <p>Thread-safe. The driver's own mutable state is the set of a grant's acquire requests still on
 * their way ({@link #trackStragglers}), a concurrent map whose entries leave as the requests answer;
 * the nodes and the hub own the rest; each call's tally of replies is confined to the calling thread.
 */
final class QuorumLockDriver implements LockDriver {

    static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY, Capability.OWNER_SAFE_RELEASE,
            Capability.LEASE_RENEWAL, Capability.FENCING_TOKENS, Capability.CLOCK_INDEPENDENT,
            Capability.NO_POLLING, Capability.REENTRANT, Capability.INTERRUPTIBLE, Capability.ASYNC));

    static final RedisScript ACQUIRE = RedisScript.resource(QuorumLockDriver.class, "acquire.lua");
    static final RedisScript COMMIT = RedisScript.resource(QuorumLockDriver.class, "commit.lua");
    static final RedisScript EXTEND = RedisScript.resource(QuorumLockDriver.class, "extend.lua");
    static final RedisScript RELEASE = RedisScript.resource(QuorumLockDriver.class, "release.lua");
    static final RedisScript UNDO = RedisScript.resource(QuorumLockDriver.class, "undo.lua");
    static final RedisScript INSPECT = RedisScript.resource(QuorumLockDriver.class, "inspect.lua");
    static final RedisScript FORCE_RELEASE = RedisScript.resource(QuorumLockDriver.class, "force-release.lua");

    /** The clock-drift allowance: this share of the lease, in percent ... */
    static final int DRIFT_PERCENT = 1;
    /** ... plus this, in ms. */
    static final int DRIFT_MILLIS = 2;
    /**
     * How long a single attempt ({@code wait = 0}) goes on retrying split votes before it gives up: this
     * long, or {@link #SPLIT_BUDGET_ROUNDS} of its rounds if the nodes are slower.
     */
    static final long SPLIT_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    static final int SPLIT_BUDGET_ROUNDS = 10;
    /** The first split backoff window, in microseconds; it doubles per split ... */
    private static final long SPLIT_BACKOFF_MICROS = 1_000;
    /** ... this many times at most (a window of 32 ms). */
    private static final int SPLIT_BACKOFF_DOUBLINGS = 5;
    /** The longest pause a woken waiter takes before its attempt (see {@link #acquire}). */
    private static final long WAKE_JITTER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long an unused subscription is kept, so that a busy lock does not resubscribe per acquisition. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    /** The outcome of one round that granted nothing. */
    enum Miss {
        /** Some other acquisition holds a majority of the nodes that answered. */
        HELD,
        /** Nobody holds a majority: contenders split the nodes, or leftovers block them. */
        SPLIT,
        /** The validity ran out first: a majority acquired but the commit failed or came too late, or too few answered in time. */
        LATE
    }

    /**
     * A round's result: a grant, or why not and when another attempt is worth making (ms, -1: unknown);
     * {@code yielded}: a split in which this acquisition saw a contender of higher priority; {@code nanos}:
     * how long the round took.
     */
    private record Round(Grant grant, Miss miss, long retryMillis, boolean yielded, long nanos) {
    }

    private final List<Node> nodes;
    private final int quorum;
    private final KeyNaming keys;
    private final long fallbackNanos;
    private final long callNanos;
    private final Ticker ticker;
    private final QuorumWakeHub hub;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Acquire requests of granted rounds still on their way, by token (see {@link #trackStragglers}). */
    private final Map<String, Set<NodeCall<List<Object>>>> stragglers = new ConcurrentHashMap<>();

    private QuorumLockDriver(List<RedisSettings> settings, Duration fallback, Ticker ticker) {
        this.quorum = settings.size() / 2 + 1;
        this.keys = settings.get(0).keys();
        this.fallbackNanos = fallback.toNanos();
        Duration timeout = settings.get(0).timeout();
        // A node's reply comes within its command timeout, or it fails; a queued request may wait
        // for one more timeout before a thread takes it.
        this.callNanos = timeout.multipliedBy(2).toNanos();
        this.ticker = ticker;
        List<Node> list = new ArrayList<>();
        QuorumWakeHub[] hubRef = new QuorumWakeHub[1];
        for (int i = 0; i < settings.size(); i++) {
            list.add(new Node(i, settings.get(i), (channel, message) -> hubRef[0].wake(channel, message)));
        }
        this.nodes = List.copyOf(list);
        this.hub = new QuorumWakeHub(nodes, quorum, LINGER, Duration.ofNanos(callNanos));
        hubRef[0] = hub;
        this.description = "redis-quorum " + settings.get(0).client() + " " + settings.size() + " nodes "
                + settings.stream().map(RedisSettings::address).collect(Collectors.joining(", ", "[", "]"))
                + " (quorum " + quorum + ", prefix " + keys.prefix() + ", drift " + DRIFT_PERCENT + "% + " + DRIFT_MILLIS
                + " ms, fallback " + fallback.toMillis() + " ms)";
    }

    /**
     * Connects to every node in parallel and returns once a majority answered PING; the others keep
     * being tried in the background when used.
     *
     * @throws LockUnavailableException if fewer than a majority could be reached, naming each failure
     */
    static QuorumLockDriver open(List<RedisSettings> settings, Duration fallback, Ticker ticker) {
        QuorumLockDriver driver = new QuorumLockDriver(settings, fallback, ticker);
        try {
            Fanout<Object> ping = Fanout.send(driver.nodes, port -> {
                port.ping();
                return "PONG";
            });
            long deadline = driver.ticker.nanoTime() + driver.callNanos;
            int ok = 0;
            List<String> failures = new ArrayList<>();
            while (ok < driver.quorum && ok + ping.pending() >= driver.quorum) {
                Fanout.Reply<Object> r = ping.nextUninterruptibly(deadline, driver.ticker::nanoTime);
                if (r == null) {
                    break;
                }
                if (r.ok()) {
                    ok++;
                } else {
                    failures.add(r.failure().getMessage());
                }
            }
            if (ok < driver.quorum) {
                String why = failures.size() + " of " + settings.size() + " nodes could not be reached";
                if (failures.size() <= settings.size() - driver.quorum) {
                    why = "only " + ok + " of " + settings.size() + " nodes answered within " + TimeUnit.NANOSECONDS.toMillis(driver.callNanos) + " ms";
                }
                throw new LockUnavailableException("redis-quorum: " + why + "; a majority of " + driver.quorum + " is needed"
                        + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
            }
            return driver;
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        return description;
    }

    /** The drift allowance for a lease, in ms: {@value #DRIFT_PERCENT}% of it plus {@value #DRIFT_MILLIS} ms. */
    static long driftMillis(long leaseMillis) {
        return leaseMillis * DRIFT_PERCENT / 100 + DRIFT_MILLIS;
    }

    // ---- acquire ----

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        long start = ticker.nanoTime();
        String channel = channel(name);
        QuorumWakeHub.Waiter waiter = null;
        boolean granted = false;
        int splits = 0;
        try {
            for (int round = 1; ; round++) {
                ensureOpen();
                Round r = round(name, token, round, leaseMillis);
                if (r.grant() != null) {
                    granted = true;
                    return r.grant();
                }
                long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (ticker.nanoTime() - start);
                splits = r.miss() == Miss.SPLIT ? splits + 1 : 0;
                boolean budget = waitNanos == 0
                        ? ticker.nanoTime() - start < Math.max(SPLIT_BUDGET_NANOS, SPLIT_BUDGET_ROUNDS * r.nanos())
                        : left > 0;
                if (splits > 0 && budget) {
                    // Nobody holds it: one of the contenders must win it. Each retries by itself (their undo sends
                    // no wake-up, which would only herd them) after a random backoff that doubles up to a cap; a
                    // contender that saw one of higher priority backs off longer, so the contest converges.
                    TimeUnit.NANOSECONDS.sleep(Math.min(splitBackoff(splits, r.yielded()), waitNanos == 0 ? Long.MAX_VALUE : left));
                    continue;
                }
                if (left <= 0) {
                    return null;
                }
                if (r.miss() == Miss.LATE) {
                    // The nodes were slow or lost the round's keys, not taken by anyone: try again soon.
                    TimeUnit.NANOSECONDS.sleep(Math.min(splitBackoff(1, false), left));
                    continue;
                }
                if (waiter == null) {
                    waiter = hub.join(channel); // confirmed by a majority before the next attempt: no lost wake-up
                    continue;
                }
                long nap = Math.min(left, fallbackNanos);
                if (r.retryMillis() >= 0) {
                    nap = Math.min(nap, TimeUnit.MILLISECONDS.toNanos(r.retryMillis() + 1));
                }
                if (waiter.await(nap)) {
                    // Woken by a release: every client's first waiter heard it at once. A pause of up to one round's
                    // duration (at most a few ms) spreads them out, so that the first takes every node and the
                    // others see it held, instead of all of them splitting the nodes between them.
                    TimeUnit.NANOSECONDS.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(r.nanos(), WAKE_JITTER_NANOS))));
                }
            }
        } finally {
            if (waiter != null) {
                hub.leave(channel, waiter, granted);
            }
        }
    }

    /**
     * One round: acquire on every node, commit the token, check validity. Undoes itself unless it
     * returns a grant.
     *
     * @throws LockUnavailableException if fewer than a majority answered (the outcome is unknown: the
     *                                  round is undone here, and the engine undoes the token as well)
     */
    private Round round(String name, String token, int round, long leaseMillis) throws InterruptedException {
        String value = token + "#" + round;
        long sent = ticker.nanoTime();
        long validUntil = sent + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        String ttl = Long.toString(leaseMillis + driftMillis(leaseMillis));
        List<String> lockKeys = List.of(lockKey(name), fenceKey(name));
        String number = Integer.toString(round);
        Fanout<List<Object>> acquire = Fanout.send(nodes, port -> port.eval(ACQUIRE, lockKeys, List.of(token, number, ttl)));
        int acquired = 0;
        long maxFence = 0;
        Map<String, Integer> holders = new HashMap<>(); // by exact value: rounds of one acquisition are not one hold
        int answered = 0;
        List<Long> freeIn = new ArrayList<>(); // per node that did not fail: ms until it could be free
        List<String> failures = new ArrayList<>();
        boolean timedOut = false;
        try {
            while (acquired < quorum && acquired + acquire.pending() >= quorum) {
                Fanout.Reply<List<Object>> reply = acquire.next(validUntil, ticker::nanoTime);
                if (reply == null) {
                    timedOut = true; // the validity ran out before a majority answered
                    break;
                }
                if (!reply.ok()) {
                    failures.add(reply.failure().getMessage());
                    continue;
                }
                List<Object> v = reply.value();
                if (!(v.size() == 2 && Long.valueOf(1).equals(v.get(0)) || v.size() == 4 && Long.valueOf(0).equals(v.get(0)))) {
                    failures.add(reply.node().address() + ": an acquire reply of the wrong shape " + v); // never a grant
                    continue;
                }
                answered++;
                maxFence = Math.max(maxFence, (Long) v.get(1));
                if ((Long) v.get(0) == 1L) {
                    acquired++;
                    freeIn.add(0L);
                } else {
                    holders.merge((String) v.get(2), 1, Integer::sum);
                    freeIn.add(Math.max(0, (Long) v.get(3)));
                }
            }
            if (acquired >= quorum) {
                long fencingToken = maxFence + 1;
                if (commit(name, value, fencingToken, validUntil) && ticker.nanoTime() - validUntil < 0) {
                    // Requests still on their way may take their nodes too: more copies of a valid hold.
                    trackStragglers(token, acquire);
                    return new Round(new Grant(fencingToken, sent), null, 0, false, 0);
                }
                undo(acquire, name, value, true);
                return new Round(null, Miss.LATE, 0, false, ticker.nanoTime() - sent);
            }
        } catch (InterruptedException e) {
            undo(acquire, name, value, true);
            throw e;
        }
        boolean held = holders.values().stream().anyMatch(c -> c >= quorum);
        // No wake-up: a majority holder keeps the lock (waking its waiters would only make them spin), and
        // the other contenders of a split vote retry by themselves.
        undo(acquire, name, value, false);
        if (failures.size() > nodes.size() - quorum) {
            throw new LockUnavailableException("redis-quorum: acquiring '" + name + "': " + failures.size() + " of " + nodes.size()
                    + " nodes failed, so no majority can answer (the outcome on them is unknown): " + String.join("; ", failures));
        }
        for (int i = 0; i < acquire.pending(); i++) {
            freeIn.add(0L); // not heard from: it may be free now
        }
        Collections.sort(freeIn);
        long retry = freeIn.size() >= quorum ? freeIn.get(quorum - 1) : -1; // when a majority could be free
        boolean yielded = holders.keySet().stream().anyMatch(other -> outranks(owner(other), token));
        // Too few answers to tell a holder from a split (a node failed, the others did not give us a
        // majority): wait as for a holder, for its release or the time its keys need to expire.
        Miss miss = held ? Miss.HELD : answered >= quorum ? Miss.SPLIT : timedOut ? Miss.LATE : Miss.HELD;
        return new Round(null, miss, retry, yielded, ticker.nanoTime() - sent);
    }

    /**
     * The pause after the {@code splits}-th split vote in a row: random within a window that doubles per
     * split up to a cap; a contender that yielded waits a whole window first, so it comes after every
     * contender that did not.
     */
    static long splitBackoff(int splits, boolean yielded) {
        long window = TimeUnit.MICROSECONDS.toNanos(SPLIT_BACKOFF_MICROS << Math.min(splits - 1, SPLIT_BACKOFF_DOUBLINGS));
        long nap = ThreadLocalRandom.current().nextLong(window);
        return yielded ? window + 2 * nap : nap;
    }

    /**
     * Whether acquisition {@code a} has priority over {@code b} in a split vote: a pseudo-random order of
     * the tokens (a hash, then the text), the same in every client, and new with every acquisition, so no
     * client is favoured for good.
     */
    static boolean outranks(String a, String b) {
        int ha = mix(a.hashCode());
        int hb = mix(b.hashCode());
        return ha != hb ? ha < hb : a.compareTo(b) < 0;
    }

    private static int mix(int h) { // the MurmurHash3 finaliser: nearby tokens get unrelated priorities
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /** Phase two: raises the fence to the token everywhere; true once Q nodes recorded it while holding the round. */
    private boolean commit(String name, String value, long fencingToken, long validUntil) throws InterruptedException {
        List<String> lockKeys = List.of(lockKey(name), fenceKey(name));
        String t = Long.toString(fencingToken);
        Fanout<List<Object>> commit = Fanout.send(nodes, port -> port.eval(COMMIT, lockKeys, List.of(value, t)));
        int confirmed = 0;
        while (confirmed < quorum && confirmed + commit.pending() >= quorum) {
            Fanout.Reply<List<Object>> reply = commit.next(validUntil, ticker::nanoTime);
            if (reply == null) {
                return false;
            }
            if (reply.ok() && isOne(reply.value())) {
                confirmed++;
            }
        }
        return confirmed >= quorum; // stragglers still raise their fences: harmless, and it spreads the token
    }

    /**
     * Undoes a round on every node it may have reached: requests not started are dropped; the others are
     * undone (exact value) as soon as their reply shows they took the node or leaves it unknown.
     */
    private void undo(Fanout<List<Object>> acquire, String name, String value, boolean wake) {
        List<String> lock = List.of(lockKey(name));
        List<String> args = List.of(value, channel(name), wake ? "1" : "0");
        for (NodeCall<List<Object>> call : acquire.calls()) {
            if (call.cancelIfNotStarted()) {
                continue;
            }
            call.result.whenComplete((reply, failure) -> {
                boolean mayHold = failure != null ? !NodeCall.wasNotSent(failure) : !Long.valueOf(0).equals(reply.get(0));
                if (mayHold && !closed.get()) {
                                call.node().call(port -> port.eval(UNDO, lock, args)); // best effort: the TTL ends what it misses
                }
            });
        }
    }

    // ---- stragglers of a grant ----

    /**
     * Remembers the acquire requests of a granted round still on their way when it was granted, until
     * they answer. A release of the token that finds one of them still pending releases that node again
     * once it has answered, so that a request which lands after the release does not leave a copy behind
     * for a whole lease. (A request whose call failed may still land later; its TTL ends that copy.)
     */
    private void trackStragglers(String token, Fanout<List<Object>> acquire) {
        for (NodeCall<List<Object>> call : acquire.calls()) {
            if (!call.result.isDone()) {
                stragglers.computeIfAbsent(token, k -> ConcurrentHashMap.newKeySet()).add(call);
                call.result.whenComplete((reply, failure) -> stragglers.computeIfPresent(token, (k, calls) -> {
                    calls.remove(call);
                    return calls.isEmpty() ? null : calls;
                }));
            }
        }
    }

    /** For a release: the token's pending stragglers release their nodes again once they have answered. */
    private void releaseStragglersLater(String name, String token) {
        Set<NodeCall<List<Object>>> pending = stragglers.remove(token);
        if (pending == null) {
            return; // every request of the grant has answered, so this release reaches each node after it
        }
        List<String> lock = List.of(lockKey(name));
        List<String> args = List.of(token, channel(name));
        for (NodeCall<List<Object>> call : pending) {
            call.result.whenComplete((reply, failure) -> {
                if (!closed.get() && (failure == null ? !Long.valueOf(0).equals(reply.get(0)) : !NodeCall.wasNotSent(failure))) {
                    call.node().call(port -> port.eval(RELEASE, lock, args));
                }
            });
        }
    }

    // ---- extend and release ----

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        ensureOpen();
        String ttl = Long.toString(leaseMillis + driftMillis(leaseMillis));
        Tally t = tally("extend", name, port -> port.eval(EXTEND, List.of(lockKey(name)), List.of(token, ttl)));
        if (t.yes >= quorum) {
            return true;
        }
        if (t.yes + t.unknown >= quorum) {
            throw t.unavailable();
        }
        // Lost: copies that a minority may still hold (some may not have answered yet) would only keep
        // others out until they expire.
        Fanout.send(nodes, port -> port.eval(RELEASE, List.of(lockKey(name)), List.of(token, channel(name))));
        return false;
    }

    @Override
    public boolean release(String name, String token) {
        ensureOpen();
        releaseStragglersLater(name, token); // before this release is sent: see trackStragglers
        Tally t = tally("release", name, port -> port.eval(RELEASE, List.of(lockKey(name)), List.of(token, channel(name))));
        if (t.yes >= quorum) {
            return true;
        }
        if (t.yes + t.unknown >= quorum) {
            throw t.unavailable();
        }
        return false;
    }

    /** Counts of one owner-checked call: nodes that said yes, no, or could not tell. */
    private final class Tally {
        final String what;
        final String name;
        int yes;
        int no;
        int unknown;
        final List<String> failures = new ArrayList<>();

        Tally(String what, String name) {
            this.what = what;
            this.name = name;
        }

        LockUnavailableException unavailable() {
            return new LockUnavailableException("redis-quorum: " + what + " of '" + name + "' confirmed by " + yes + " of "
                    + nodes.size() + " nodes, " + quorum + " needed, and " + unknown + " could not tell; the outcome is unknown"
                    + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
        }
    }

    /** Sends an owner-checked call to every node; returns once a majority said yes, or that can no longer happen. */
    private Tally tally(String what, String name, java.util.function.Function<dev.latchkey.redis.common.RedisPort, List<Object>> body) {
        Fanout<List<Object>> f = Fanout.send(nodes, body);
        Tally t = new Tally(what, name);
        long deadline = ticker.nanoTime() + callNanos;
        while (t.yes < quorum && t.yes + t.unknown + f.pending() >= quorum) {
            Fanout.Reply<List<Object>> r = f.nextUninterruptibly(deadline, ticker::nanoTime);
            if (r == null) {
                if (f.pending() > 0) {
                    t.unknown += f.pending();
                    t.failures.add(f.pending() + " did not answer within " + TimeUnit.NANOSECONDS.toMillis(callNanos) + " ms");
                }
                break;
            }
            if (r.ok() && r.value().size() == 1) {
                if (isOne(r.value())) {
                    t.yes++;
                } else {
                    t.no++;
                }
            } else {
                t.unknown++; // even a request never sent leaves unknown whether that node holds the token
                t.failures.add(r.ok() ? r.node().address() + ": a reply of the wrong shape " + r.value() : r.failure().getMessage());
            }
        }
        return t;
    }

    // ---- operators ----

    @Override
    public Optional<LockInfo> inspect(String name) {
        ensureOpen();
        Fanout<List<Object>> f = Fanout.send(nodes, port -> port.eval(INSPECT, List.of(lockKey(name), fenceKey(name)), List.of()));
        long deadline = ticker.nanoTime() + callNanos;
        Map<String, List<Long>> holders = new HashMap<>();
        long fence = 0;
        int answered = 0;
        for (Fanout.Reply<List<Object>> r; (r = f.nextUninterruptibly(deadline, ticker::nanoTime)) != null; ) {
            if (!r.ok()) {
                continue;
            }
            answered++;
            List<Object> v = r.value();
            if (v.get(0) != null) {
                holders.computeIfAbsent(owner((String) v.get(0)), k -> new ArrayList<>()).add((Long) v.get(1));
            }
            if (v.get(2) != null) {
                fence = Math.max(fence, Long.parseLong(v.get(2).toString()));
            }
        }
        if (answered < quorum) {
            throw new LockUnavailableException("redis-quorum: inspect of '" + name + "': " + answered + " of " + nodes.size()
                    + " nodes answered, " + quorum + " needed");
        }
        for (Map.Entry<String, List<Long>> e : holders.entrySet()) {
            List<Long> ttls = e.getValue();
            if (ttls.size() >= quorum) {
                ttls.sort(Collections.reverseOrder());
                // While a majority still holds it, less the drift allowance the nodes were given on top of the lease.
                long remaining = Math.max(0, (ttls.get(quorum - 1) - DRIFT_MILLIS) * 100 / (100 + DRIFT_PERCENT));
                return Optional.of(new LockInfo(name, e.getKey(), fence, Duration.ofMillis(remaining), -1));
            }
        }
        return Optional.of(new LockInfo(name, null, fence, Duration.ZERO, -1));
    }

    @Override
    public boolean forceRelease(String name) {
        ensureOpen();
        Fanout<List<Object>> f = Fanout.send(nodes, port -> port.eval(FORCE_RELEASE, List.of(lockKey(name)), List.of(channel(name))));
        long deadline = ticker.nanoTime() + callNanos;
        boolean any = false;
        int answered = 0;
        for (Fanout.Reply<List<Object>> r; (r = f.nextUninterruptibly(deadline, ticker::nanoTime)) != null; ) {
            if (r.ok()) {
                answered++;
                any |= isOne(r.value());
            }
        }
        // A majority without the key is enough: nobody can hold the lock then. A node it did not reach keeps its copy
        // until that copy's TTL, which can delay a grant there (a split vote) but never makes a holder.
        if (answered < quorum) {
            throw new LockUnavailableException("redis-quorum: force release of '" + name + "' reached " + answered + " of "
                    + nodes.size() + " nodes, " + quorum + " needed; run it again when they are back"
                    + (any ? " (it removed holds where it could)" : ""));
        }
        return any;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            hub.close();
            nodes.forEach(Node::close);
        }
    }

    /** Whether a one-element script reply says yes; anything else (including a reply of the wrong shape) is no. */
    private static boolean isOne(List<Object> reply) {
        return reply.size() == 1 && Long.valueOf(1).equals(reply.get(0));
    }

    // ---- names ----

    /** The acquisition a lock value belongs to: the engine's token, without the round. */
    static String owner(String value) {
        int hash = value.lastIndexOf('#');
        return hash < 0 ? value : value.substring(0, hash);
    }

    int quorum() {
        return quorum;
    }

    List<Node> nodes() {
        return nodes;
    }

    /** For tests: whether this client currently listens for releases of {@code name}. */
    boolean isSubscribed(String name) {
        return hub.isSubscribed(channel(name));
    }

    String lockKey(String name) {
        return keys.key(name, "qlock");
    }

    String fenceKey(String name) {
        return keys.key(name, "qfence");
    }

    String channel(String name) {
        return keys.key(name, "qwake");
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("lock client is closed: " + description);
        }
    }

    @Override
    public String toString() {
        return description + Arrays.toString(nodes.stream().map(n -> n.isConnected() ? "up" : "down").toArray());
    }
}
