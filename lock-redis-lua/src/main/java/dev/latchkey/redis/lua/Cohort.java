package dev.latchkey.redis.lua;

import dev.latchkey.spi.Grant;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The acquisitions of one client for one lock name, in non-fair mode: local cohorting.
 *
 * <p>Design note. A client sends at most one acquisition per name to Redis at a time, the
 * <em>contender</em>; its other threads wait here, in arrival order, and never touch Redis while
 * they wait. When this client holds the lock, its release hands the hold to the first local waiter
 * in one round trip ({@code pass.lua}: the token is swapped and the fencing counter advanced in one
 * script) instead of a release and an acquire, and without waking anyone elsewhere. The head of the
 * queue becomes the contender when this client holds nothing (or the hold it believes it has has run
 * out locally: a lease abandoned without release must not stall its neighbours). This is the lock
 * cohorting of Dice, Marathe and Shavit ("Lock Cohorting: A General Technique for Designing NUMA
 * Locks", PPoPP 2012) with the client as the cohort, and it keeps their bound on starvation: once a
 * client has passed the lock {@link LuaLockDriver#MAX_LOCAL_PASSES} times in a row while a waiter of
 * another client has a live place in Redis, the next release goes to that waiter instead.
 *
 * <p>A local waiter that a release has claimed for a pass ({@link Local#passing}) no longer leaves on
 * its own: it waits for the pass's outcome, one round trip, so that a pass never lands on a waiter
 * that has already given up (its timeout or interrupt is honoured once the outcome is known, and the
 * engine undoes a grant that raced an interrupt).
 *
 * <p>Thread-safe: every field is guarded by this object's monitor, which is never held during a Redis
 * call; {@link LuaLockDriver} makes the calls.
 */
final class Cohort {

    /** One waiting acquisition of this client. */
    static final class Local {
        final String token;
        final long leaseMillis;
        private final Semaphore wakeups = new Semaphore(0);
        /** Guarded by the cohort: the grant a pass made; a release has claimed this waiter for a pass. */
        Grant grant;
        boolean passing;

        Local(String token, long leaseMillis) {
            this.token = token;
            this.leaseMillis = leaseMillis;
        }

        void signal() {
            wakeups.release();
        }

        void await(long nanos) throws InterruptedException {
            if (wakeups.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS)) {
                wakeups.drainPermits();
            }
        }
    }

    /** The token of this client's hold of the lock, or null; until when it lasts (ticker nanos). */
    String holder;
    long holdUntil;
    /** Local hand-offs in a row since the lock last came from Redis. */
    int passes;
    final ArrayDeque<Local> queue = new ArrayDeque<>();
    /** The waiter that contends in Redis, or null. */
    Local contender;
    /** Acquisitions in progress; with {@link #holder}, what keeps the cohort alive. */
    int users;
    boolean retired;

    /** Records a hold of this client, come from Redis. */
    void heldFromRedis(String token, long until) {
        holder = token;
        holdUntil = until;
        passes = 0;
    }

    /** Makes the first local waiter the contender when no one contends and this client holds nothing (that still lasts). */
    void promote(long now) {
        if (contender == null && !queue.isEmpty() && (holder == null || now - holdUntil >= 0)) {
            contender = queue.pollFirst();
            contender.signal();
        }
    }

    boolean idle() {
        return users == 0 && holder == null;
    }
}
