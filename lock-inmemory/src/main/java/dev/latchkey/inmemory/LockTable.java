package dev.latchkey.inmemory;

import dev.latchkey.LockInfo;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock server of an in-memory space.
 *
 * <p>Design note. One monitor guards the whole table: it is a reference fake, so clarity beats
 * throughput. Each lock name has a holder token, an expiry on the space's clock, a fencing counter
 * that survives releases, and a FIFO queue of waiters, each with its own condition. A release
 * signals only the head of the queue (one wake-up per release, no herd); a waiter sleeps at most
 * until the holder's expiry or its own deadline, so nobody polls. In fair mode only the head may
 * take a free lock; waiters that give up leave the queue and pass the signal on.
 *
 * <p>A waiter's timer is armed against the hold it saw when it went to sleep. So whenever the head
 * changes (the head took the lock, or gave up) the new head is woken once to re-arm against the
 * current hold: otherwise a short hold granted ahead of it, whose holder then dies, would expire
 * unnoticed and the lock would sit free while the queue sleeps (for ever, with an unbounded wait).
 *
 * <p>Thread-safe.
 */
final class LockTable {
    private static final class Entry {
        String holder;
        long expiresAt;
        long fence;
        final ArrayDeque<Condition> queue = new ArrayDeque<>();
    }

    private final ReentrantLock monitor = new ReentrantLock();
    private final Map<String, Entry> entries = new HashMap<>();
    final Ticker ticker;

    LockTable(Ticker ticker) {
        this.ticker = ticker;
    }

    /**
     * Acquires for {@code token}, waiting up to {@code waitNanos}. The grant reports {@code clientTicker}'s
     * reading at the moment it was made (the participant's clock). {@code caller} is asked whether the
     * participant is still alive before every grant and after every wake-up, so that a participant that
     * crashed while waiting is never granted the lock.
     */
    Grant acquire(String name, String token, long leaseMillis, long waitNanos, boolean fair, Ticker clientTicker,
                  Participant caller) throws InterruptedException {
        long start = System.nanoTime();
        monitor.lockInterruptibly();
        try {
            Entry e = entries.computeIfAbsent(name, n -> new Entry());
            Condition me = null;
            try {
                while (true) {
                    caller.checkAlive();
                    long now = ticker.nanoTime();
                    expire(e, now);
                    if (e.holder == null && (!fair || e.queue.isEmpty() || e.queue.peekFirst() == me)) {
                        if (me != null) {
                            e.queue.remove(me);
                            me = null;
                            signalHead(e); // the new head re-arms against this hold's expiry
                        }
                        long sent = clientTicker.nanoTime();
                        e.holder = token;
                        e.expiresAt = now + leaseMillis * 1_000_000L;
                        e.fence++;
                        return new Grant(e.fence, sent);
                    }
                    long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        return null;
                    }
                    if (me == null) {
                        me = monitor.newCondition();
                        e.queue.addLast(me);
                    }
                    long untilExpiry = e.holder == null ? left : Math.max(1, e.expiresAt - now);
                    me.awaitNanos(Math.min(left, untilExpiry));
                }
            } finally {
                if (me != null) {
                    boolean wasHead = e.queue.peekFirst() == me;
                    e.queue.remove(me);
                    if (wasHead || e.holder == null) {
                        signalHead(e); // pass a hand-off on, or let the new head re-arm
                    }
                }
            }
        } finally {
            monitor.unlock();
        }
    }

    boolean extend(String name, String token, long leaseMillis) {
        monitor.lock();
        try {
            Entry e = held(name, token);
            if (e == null) {
                return false;
            }
            e.expiresAt = ticker.nanoTime() + leaseMillis * 1_000_000L;
            return true;
        } finally {
            monitor.unlock();
        }
    }

    boolean release(String name, String token) {
        monitor.lock();
        try {
            Entry e = held(name, token);
            if (e == null) {
                return false;
            }
            e.holder = null;
            signalHeadIfFree(e);
            return true;
        } finally {
            monitor.unlock();
        }
    }

    boolean forceRelease(String name) {
        monitor.lock();
        try {
            Entry e = entries.get(name);
            if (e == null) {
                return false;
            }
            expire(e, ticker.nanoTime());
            boolean held = e.holder != null;
            e.holder = null;
            signalHeadIfFree(e);
            return held;
        } finally {
            monitor.unlock();
        }
    }

    /** Drops the name's hold and fencing counter (its waiters, if any, keep waiting on a fresh entry). */
    boolean forget(String name) {
        monitor.lock();
        try {
            Entry e = entries.get(name);
            if (e == null) {
                return false;
            }
            if (e.queue.isEmpty()) {
                entries.remove(name);
            } else {
                e.holder = null;
                e.fence = 0;
                signalHead(e);
            }
            return true;
        } finally {
            monitor.unlock();
        }
    }

    Optional<LockInfo> inspect(String name) {
        monitor.lock();
        try {
            Entry e = entries.get(name);
            if (e == null) {
                return Optional.of(new LockInfo(name, null, 0, Duration.ZERO, 0));
            }
            long now = ticker.nanoTime();
            expire(e, now);
            Duration left = e.holder == null ? Duration.ZERO : Duration.ofNanos(e.expiresAt - now);
            return Optional.of(new LockInfo(name, e.holder, e.fence, left, e.queue.size()));
        } finally {
            monitor.unlock();
        }
    }

    /** A participant of the space, as the table sees it. */
    interface Participant {
        /** Throws if the participant can no longer be answered (crashed, cut off, its connection closed). */
        void checkAlive();
    }

    /** Wakes every waiter (the manual clock moved, so leases may have expired, or a participant crashed). */
    void wakeAll() {
        monitor.lock();
        try {
            for (Entry e : entries.values()) {
                e.queue.forEach(Condition::signal);
            }
        } finally {
            monitor.unlock();
        }
    }

    /** The entry if {@code token} holds it and its lease has not run out. */
    private Entry held(String name, String token) {
        Entry e = entries.get(name);
        if (e == null || !token.equals(e.holder)) {
            return null;
        }
        expire(e, ticker.nanoTime());
        return e.holder == null ? null : e;
    }

    private static void expire(Entry e, long now) {
        if (e.holder != null && now - e.expiresAt >= 0) {
            e.holder = null;
        }
    }

    private static void signalHeadIfFree(Entry e) {
        if (e.holder == null) {
            signalHead(e);
        }
    }

    private static void signalHead(Entry e) {
        if (!e.queue.isEmpty()) {
            e.queue.peekFirst().signal();
        }
    }
}
