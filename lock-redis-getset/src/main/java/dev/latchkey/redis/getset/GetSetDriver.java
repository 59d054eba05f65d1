package dev.latchkey.redis.getset;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.common.KeyNaming;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.getset.RedisGetSetLocks.Mode;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The classic single-key Redis lock: an expiry timestamp, written with {@code SETNX}, taken over with
 * {@code GETSET} when stale.
 *
 * <p><b>Design note.</b> One lock is one string key {@code <prefix>{<name>}:getset}. In
 * {@link Mode#ARTICLE} its value is the expiry, in milliseconds of the participant's wall clock; in
 * {@link Mode#CHECKED} it is {@code <expiry-ms>:<owner token>}.
 * <ol>
 *   <li>Compute {@code expiry = clock.millis() + lease + 1} and send {@code SETNX key <value>}. A 1 is a
 *       grant. (Checked: then {@code PEXPIRE key lease+1s}, so an abandoned key leaves Redis.)</li>
 *   <li>Otherwise {@code GET key}. Absent, or an expiry not yet passed on <em>this</em> participant's
 *       clock: the lock is held; sleep and go back to 1.</li>
 *   <li>Stale (expiry &lt; now). Article: {@code GETSET key <value>}; the lock is won only if the old
 *       value it returns is still stale (or absent), since another waiter may have taken it over in
 *       between. Checked: {@code WATCH key, GET, MULTI, SET key <value> PX lease+1s, EXEC}, i.e.
 *       replace only if the key still holds the stale value read in step 2.</li>
 *   <li>Waiters sleep between rounds: article, a fixed {@code retry} (the article uses 1 s; the default
 *       here is 100 ms); checked, a jittered backoff growing from 10 ms up to {@code retry}. The sleep
 *       is interruptible and nothing is held when it is interrupted.</li>
 *   <li>Release. Article: plain {@code DEL key}, whoever holds the lock; the driver remembers the expiry
 *       each grant wrote only to <em>report</em> a release after it as a loss (an entry stays behind for
 *       a lost lease that is never released). Checked: {@code GET}, and only if the value carries
 *       this lease's token, {@code WATCH/GET/MULTI/DEL/EXEC} on exactly that value; a lease whose
 *       expiry has passed reports loss (its own stale key is still removed).</li>
 *   <li>Extend. Article: none; the article has no extension, and a blind {@code GETSET} of a new
 *       expiry would prolong a successor's hold, so it throws and {@link Capability#LEASE_RENEWAL} is
 *       not declared. Checked: owner-checked replace of the value with a new expiry and TTL.</li>
 * </ol>
 *
 * <p><b>Why checked mode does not use GETSET for the takeover.</b> A GETSET that loses the race
 * still writes its value. With a bare timestamp that only moves the winner's expiry a little (the
 * SETNX page calls this harmless); with an owner token it would replace the winner's identity, and
 * the winner's owner-checked release would then fail. The compare-and-set keeps the algorithm (same
 * key, same value layout, same client-clock staleness test) without that write.
 *
 * <p><b>Limits</b>, which the characterisation tests and the TCK demonstrate:
 * <ul>
 *   <li>Expiry is judged on each participant's own wall clock: a participant whose clock runs ahead
 *       takes over a live lock (both modes; not {@link Capability#CLOCK_INDEPENDENT}).</li>
 *   <li>Article: a holder that outlives its lease {@code DEL}s its successor's lock (no owner check);
 *       a losing {@code GETSET} overwrites the winner's expiry, and when the loser's lease is shorter
 *       a third participant takes the winner's live lock, so not even
 *       {@link Capability#MUTUAL_EXCLUSION} is claimed; keys of crashed holders never leave Redis (no
 *       TTL); waiters poll; there is no fencing token. (The SETNX page itself advises checking the
 *       timeout before {@code DEL}; the article does not, and a check-then-DEL would still race.)</li>
 *   <li>Checked fixes the release, the overwrite and the abandoned key, but still polls, still trusts
 *       clocks, and still has no fencing token, so a paused holder (GC, VM stall) can act after its
 *       lease ended (Kleppmann). Between its SETNX and PEXPIRE a crash leaves a key without TTL
 *       (stale-takeover still works; only the cleanup is lost).</li>
 * </ul>
 * Sources: the "Design pattern: Locking with SETNX" section of the Redis {@code SETNX} command page
 * (https://redis.io/commands/setnx/), which the widely copied "Redis lock from scratch" articles follow
 * and which the Redis docs themselves now discourage; "Distributed Locks with Redis"
 * (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/), whose single-instance
 * pattern uses {@code SET NX PX} with a random value and a checked delete; M. Kleppmann, "How to do
 * distributed locking", 2016 (https://martin.kleppmann.com/2016/02/08/how-to-do-distributed-locking.html)
 * on clocks, pauses and fencing.
 *
 * <p>Thread-safe: it keeps no per-lock state; all of it is in Redis.
 */
final class GetSetDriver implements LockDriver {
    /** How long a checked-mode key outlives its expiry timestamp before Redis removes it. */
    static final long TTL_MARGIN_MILLIS = 1_000;
    private static final long FIRST_BACKOFF_MILLIS = 10;

    private final RedisPort port;
    private final KeyNaming keys;
    private final Mode mode;
    private final Clock clock;
    private final Ticker ticker;
    private final long retryMillis;
    private final String description;
    /** Article mode: the expiry each live grant wrote, by owner token, so a late release can report the loss. */
    private final Map<String, Long> articleExpiries = new ConcurrentHashMap<>();
    /**
     * Article mode: the value an attempt in flight wrote or may have written, by owner token, so that the
     * engine's undo of an attempt whose outcome is unknown removes exactly that value.
     */
    private final Map<String, String> articleAttempts = new ConcurrentHashMap<>();

    GetSetDriver(RedisPort port, KeyNaming keys, Mode mode, Clock clock, Ticker ticker, Duration retry, Duration skew) {
        this.port = port;
        this.keys = keys;
        this.mode = mode;
        this.clock = clock;
        this.ticker = ticker;
        this.retryMillis = retry.toMillis();
        this.description = "redis-getset mode=" + mode.name().toLowerCase(Locale.ROOT) + " " + port.describe()
                + " retry=" + retryMillis + "ms" + (skew.isZero() ? "" : " skew=" + skew.toMillis() + "ms (test hook)");
    }

    /**
     * Article mode does not claim {@link Capability#MUTUAL_EXCLUSION}: even with agreeing clocks and
     * holders that finish in time, a losing GETSET with a shorter lease than the winner's moves the
     * key's expiry before the winner's deadline, and a third participant then takes a live lock.
     */
    static Set<Capability> capabilities(Mode mode) {
        Set<Capability> c = EnumSet.of(Capability.LEASE_EXPIRY, Capability.REENTRANT, Capability.INTERRUPTIBLE, Capability.ASYNC);
        if (mode == Mode.CHECKED) {
            c.add(Capability.MUTUAL_EXCLUSION);
            c.add(Capability.OWNER_SAFE_RELEASE);
            c.add(Capability.LEASE_RENEWAL);
        }
        return c;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities(mode);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        String key = key(name);
        long start = ticker.nanoTime();
        long backoff = mode == Mode.ARTICLE ? retryMillis : Math.min(FIRST_BACKOFF_MILLIS, retryMillis);
        while (true) {
            long sent = ticker.nanoTime();
            long expiry = clock.millis() + leaseMillis + 1;
            String value = mode == Mode.ARTICLE ? Long.toString(expiry) : expiry + ":" + token;
            if (attempt(key, value, token, leaseMillis)) {
                if (mode == Mode.ARTICLE) {
                    articleExpiries.put(token, expiry);
                }
                return new Grant(Lease.NO_FENCING_TOKEN, sent);
            }
            long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (ticker.nanoTime() - start);
            if (left <= 0) {
                return null;
            }
            long sleep = mode == Mode.ARTICLE ? backoff : backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(sleep)));
            if (mode == Mode.CHECKED) {
                backoff = Math.min(retryMillis, backoff * 2);
            }
        }
    }

    /**
     * One round of steps 1 to 3; true if it won. A failure propagates as it is: the engine undoes what
     * the attempt may have written through {@link #release}, which in article mode finds the value in
     * {@link #articleAttempts}.
     */
    private boolean attempt(String key, String value, String token, long leaseMillis) {
        if (mode == Mode.CHECKED) {
            return checkedAttempt(key, value, leaseMillis);
        }
        articleAttempts.put(token, value);
        boolean won = articleAttempt(key, value);
        articleAttempts.remove(token);
        return won;
    }

    private boolean articleAttempt(String key, String value) {
        if (port.setNx(key, value, 0)) { // the article's SETNX: no TTL
            return true;
        }
        String current = port.get(key);
        if (current == null || expiryOf(key, current) >= clock.millis()) {
            return false;
        }
        String old = port.getSet(key, value); // writes our expiry even when it loses: the article's flaw, kept
        return old == null || expiryOf(key, old) < clock.millis();
    }

    private boolean checkedAttempt(String key, String value, long leaseMillis) {
        if (port.setNx(key, value, leaseMillis + TTL_MARGIN_MILLIS)) { // SET NX PX: never a key without TTL
            return true;
        }
        String current = port.get(key);
        if (current == null || expiryOf(key, current) >= clock.millis()) {
            return false;
        }
        return port.replaceIfEquals(key, current, value, leaseMillis + TTL_MARGIN_MILLIS);
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        if (mode == Mode.ARTICLE) {
            throw new UnsupportedOperationException(description + " cannot extend a lease: the article's algorithm has no"
                    + " extension and a blind GETSET would prolong a successor's hold; use mode=checked");
        }
        String key = key(name);
        String current = port.get(key);
        if (!heldBy(current, token) || expiryOf(key, current) < clock.millis()) {
            return false;
        }
        long expiry = clock.millis() + leaseMillis + 1;
        return port.replaceIfEquals(key, current, expiry + ":" + token, leaseMillis + TTL_MARGIN_MILLIS);
    }

    @Override
    public boolean release(String name, String token) {
        String key = key(name);
        if (mode == Mode.ARTICLE) {
            Long expiry = articleExpiries.remove(token);
            if (expiry == null) {
                // Not a confirmed grant: the engine's undo of an attempt that failed with its outcome unknown.
                // Remove exactly the value it may have written (the article itself has no such path).
                String written = articleAttempts.remove(token);
                return written != null && port.deleteIfEquals(key, written);
            }
            boolean deleted = port.del(key) > 0; // whoever holds it now: the article's flaw, kept
            return deleted && expiry != null && expiry >= clock.millis(); // only the report knows the lease ended
        }
        // The engine does not hold a release back for a renewal in flight (a hung renewal must not block it), so this
        // lease's own renewal may rewrite the value between the GET and the delete: read again while it is still ours.
        // Only that renewal can change a value that holds our token, and none starts once the release has begun.
        for (int attempt = 1; ; attempt++) {
            String current = port.get(key);
            if (!heldBy(current, token)) {
                return false;
            }
            if (port.deleteIfEquals(key, current)) {
                return expiryOf(key, current) >= clock.millis();
            }
            if (attempt == 3) {
                return false;
            }
        }
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        String key = key(name);
        String value = port.get(key);
        long left = value == null ? 0 : expiryOf(key, value) - clock.millis();
        if (left <= 0) {
            return Optional.of(new LockInfo(name, null, 0, Duration.ZERO, -1));
        }
        int colon = value.indexOf(':');
        String holder = colon < 0 ? "unknown (article mode stores only the expiry " + value + ")" : value.substring(colon + 1);
        return Optional.of(new LockInfo(name, holder, 0, Duration.ofMillis(left), -1));
    }

    @Override
    public boolean forceRelease(String name) {
        return port.del(key(name)) > 0;
    }

    @Override
    public boolean forget(String name) {
        return port.del(key(name)) > 0; // the only key: there is no fencing counter
    }

    @Override
    public void close() {
        port.close();
    }

    private String key(String name) {
        return keys.key(name, "getset");
    }

    private static boolean heldBy(String value, String token) {
        int colon = value == null ? -1 : value.indexOf(':');
        return colon >= 0 && value.substring(colon + 1).equals(token);
    }

    /** The expiry timestamp at the start of a value written by either mode. */
    private static long expiryOf(String key, String value) {
        int colon = value.indexOf(':');
        try {
            return Long.parseLong(colon < 0 ? value : value.substring(0, colon));
        } catch (NumberFormatException e) {
            String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
            throw new LockUnavailableException("redis key " + key + " holds '" + shown + "', which redis-getset did not"
                    + " write: another program uses this key (choose another option 'prefix')");
        }
    }
}
