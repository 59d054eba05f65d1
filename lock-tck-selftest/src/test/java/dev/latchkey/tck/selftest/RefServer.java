package dev.latchkey.tck.selftest;

import dev.latchkey.LockInfo;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small, correct lock server: the baseline of the TCK's self-test, which each {@link Mutant}
 * breaks in one way by overriding one step. One monitor guards the table; each name has a holder
 * token, an expiry (on {@link System#nanoTime()}, or on the holder's wall clock where a mutant
 * wants clock dependence), a fencing counter and a FIFO queue of waiters. A release signals the head
 * of the queue; a waiter sleeps at most until the holder's expiry or its own deadline; when the head
 * leaves the queue, the new head is woken to re-arm its timer against the current hold.
 *
 * <p>Thread-safe.
 */
class RefServer {
    static final class Entry {
        String holder;
        long expiresAt;
        long wallExpiresAt;
        long fence;
        /** When the lock last became free by a release (for a mutant that forgets idle waiters). */
        long lastFree = System.nanoTime();
        /** How long the lock had been free before the current hold began. */
        long idleBeforeHold;
        /** The lease of the current (or last) hold. */
        long leaseMillis;
        final ArrayDeque<Condition> queue = new ArrayDeque<>();
    }

    final ReentrantLock monitor = new ReentrantLock();
    private final Map<String, Entry> entries = new HashMap<>();
    private final boolean fair;
    /**
     * While set, replies are held back: requests are served at once but their callers only hear of it
     * when the pause ends, as with a server stopped right after it executed them (the harness's SERVER_PAUSE).
     */
    private final Object pause = new Object();
    private boolean paused;

    RefServer(boolean fair) {
        this.fair = fair;
    }

    Grant acquire(RefDriver caller, String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        Grant grant = acquireNow(caller, name, token, leaseMillis, waitNanos);
        awaitReply();
        return grant;
    }

    void pause() {
        synchronized (pause) {
            paused = true;
        }
    }

    void resume() {
        synchronized (pause) {
            paused = false;
            pause.notifyAll();
        }
    }

    /** Holds the caller's reply while the server is paused. */
    void awaitReply() {
        boolean interrupted = false;
        synchronized (pause) {
            while (paused) {
                try {
                    pause.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the server knows of a lock: holder, last token, remaining lease, queued waiters. */
    LockInfo inspect(String name) {
        monitor.lock();
        try {
            Entry e = entries.get(name);
            if (e == null) {
                return new LockInfo(name, null, 0, Duration.ZERO, 0);
            }
            long now = System.nanoTime();
            if (e.holder != null && now - e.expiresAt >= 0) {
                e.holder = null;
            }
            Duration left = e.holder == null ? Duration.ZERO : Duration.ofNanos(e.expiresAt - now);
            return reportInfo(new LockInfo(name, e.holder, e.fence, left, e.queue.size()));
        } finally {
            monitor.unlock();
        }
    }

    /** Frees the lock whoever holds it; whether it was held. */
    boolean forceRelease(String name) {
        monitor.lock();
        try {
            Entry e = entries.get(name);
            if (e == null || !owns(e, e.holder == null ? "" : e.holder)) {
                return false;
            }
            forceFree(e);
            return true;
        } finally {
            monitor.unlock();
        }
    }

    private Grant acquireNow(RefDriver caller, String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        long start = System.nanoTime();
        monitor.lockInterruptibly();
        try {
            Entry e = entries.computeIfAbsent(name, n -> new Entry());
            Condition me = null;
            try {
                while (true) {
                    Grant granted = tryGrant(e, caller, token, leaseMillis, me);
                    if (granted != null) {
                        return granted;
                    }
                    long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        return null;
                    }
                    if (me == null) {
                        me = monitor.newCondition();
                        e.queue.addLast(me);
                    }
                    long untilExpiry = e.holder == null ? left : Math.max(1, e.expiresAt - System.nanoTime());
                    await(me, Math.min(left, untilExpiry));
                }
            } finally {
                if (me != null) {
                    boolean wasNext = nextInLine(e) == me;
                    e.queue.remove(me);
                    if (wasNext) {
                        rearm(e);
                    }
                }
            }
        } finally {
            monitor.unlock();
        }
    }

    boolean extend(String name, String token, long leaseMillis) {
        boolean extended;
        monitor.lock();
        try {
            Entry e = entries.get(name);
            extended = e != null && ownsForExtend(e, token);
            if (extended) {
                e.expiresAt = extendedExpiry(e, leaseMillis);
            }
        } finally {
            monitor.unlock();
        }
        awaitReply();
        return extended;
    }

    /**
     * A client's local hand-off: if {@code from} holds the lock, {@code to} holds it from now on for
     * {@code leaseMillis}, with the next fencing token (no waiter of the server is woken: the lock stays held).
     */
    boolean pass(RefDriver caller, String name, String from, String to, long leaseMillis) throws InterruptedException {
        boolean passed;
        monitor.lock();
        try {
            Entry e = entries.get(name);
            passed = e != null && ownsForRelease(e, from);
            if (passed) {
                take(e, caller, to, leaseMillis);
            }
        } finally {
            monitor.unlock();
        }
        awaitReply();
        return passed;
    }

    boolean release(String name, String token) {
        boolean released;
        monitor.lock();
        try {
            Entry e = entries.get(name);
            released = e != null && ownsForRelease(e, token);
            if (released) {
                e.holder = null;
                e.lastFree = System.nanoTime();
                wake(e);
            }
        } finally {
            monitor.unlock();
        }
        awaitReply();
        return released;
    }

    // ---- the steps mutants override; all run under the monitor ----

    /** Expires a stale hold, then grants if the caller may take the lock; null otherwise. */
    Grant tryGrant(Entry e, RefDriver caller, String token, long leaseMillis, Condition me) throws InterruptedException {
        long now = System.nanoTime();
        if (e.holder != null && expired(e, caller, now)) {
            e.holder = null;
        }
        if (e.holder != null || fair && !e.queue.isEmpty() && nextInLine(e) != me) {
            return null;
        }
        return take(e, caller, token, leaseMillis);
    }

    Grant take(Entry e, RefDriver caller, String token, long leaseMillis) throws InterruptedException {
        long now = System.nanoTime();
        e.idleBeforeHold = now - e.lastFree;
        e.holder = token;
        e.leaseMillis = leaseMillis;
        e.expiresAt = now + lifetimeNanos(leaseMillis);
        e.wallExpiresAt = caller.wallMillis() + leaseMillis;
        return new Grant(nextToken(e, caller), now);
    }

    boolean expired(Entry e, RefDriver caller, long now) {
        return now - e.expiresAt >= 0;
    }

    Condition nextInLine(Entry e) {
        return e.queue.peekFirst();
    }

    long lifetimeNanos(long leaseMillis) {
        return TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    }

    /** The expiry an extension by {@code leaseMillis} sets. */
    long extendedExpiry(Entry e, long leaseMillis) {
        return System.nanoTime() + lifetimeNanos(leaseMillis);
    }

    /** What inspect reports (a mutant may lie). */
    LockInfo reportInfo(LockInfo truth) {
        return truth;
    }

    /** A forced release: frees the lock and wakes the next waiter. */
    void forceFree(Entry e) {
        e.holder = null;
        e.lastFree = System.nanoTime();
        wake(e);
    }

    long nextToken(Entry e, RefDriver caller) {
        return ++e.fence;
    }

    boolean ownsForRelease(Entry e, String token) {
        return owns(e, token);
    }

    boolean ownsForExtend(Entry e, String token) {
        return owns(e, token);
    }

    void wake(Entry e) {
        if (e.holder == null && !e.queue.isEmpty()) {
            nextInLine(e).signal();
        }
    }

    void await(Condition me, long nanos) throws InterruptedException {
        me.awaitNanos(nanos);
    }

    /**
     * The waiter next in line changed (the last one took the lock or gave up): wake the new one so that
     * it takes a free lock or re-arms its timer against the current hold, which may end sooner than
     * the one it went to sleep on.
     */
    final void rearm(Entry e) {
        if (!e.queue.isEmpty()) {
            nextInLine(e).signal();
        }
    }

    final boolean owns(Entry e, String token) {
        if (e.holder != null && System.nanoTime() - e.expiresAt >= 0) {
            e.holder = null;
        }
        return token.equals(e.holder);
    }
}
