package dev.latchkey.redis.lua;

import dev.latchkey.redis.common.Daemons;
import dev.latchkey.redis.common.RedisPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages of one client's waiting acquisitions, over its port's single pub/sub connection.
 *
 * <p>Design note. Each lock name has a channel and, here, a topic: the waiters of this client that
 * contend for that name in Redis, which doubles as the reference count of the subscription (they share
 * one {@code SUBSCRIBE}). {@link #join} returns only once the server has confirmed the subscription, and
 * the caller makes its next attempt after that, so a hand-off between a failed attempt and the
 * subscription is not missed: that attempt finds the lock already the caller's. A hand-off message,
 * {@code g <fencing token> <lease ms> <token>}, names the one waiter, in any client, that was granted
 * the lock; it wakes with the fencing token in its mailbox (no second round trip). The other waiters
 * of the topic learn when that hold ends at the latest, so that one handed to a waiter that has since
 * crashed is taken up when it runs out, not at their next refresh.
 * {@link #RELEASED} (a name forgotten) wakes every waiter of the topic. A topic whose queue is empty
 * lingers, still subscribed, for a moment before a janitor unsubscribes it, so that a busy lock does
 * not pay a SUBSCRIBE round trip per acquisition. Messages can still be lost (for instance while the
 * pub/sub connection reconnects); the waiter's refresh of its place covers that.
 *
 * <p>Thread-safe. {@code subscriptions} guards the creation and removal of topics and, per channel, the
 * latest SUBSCRIBE or UNSUBSCRIBE call ({@code lastCall}); the calls themselves are made under no lock (a
 * SUBSCRIBE waits for the server's confirmation, up to the port's timeout), each after the channel's previous
 * call has returned, so that they reach the server in the order they were decided. The joiner that creates a
 * topic makes its SUBSCRIBE; the others wait for the same confirmation. Each topic's list is guarded by the
 * topic itself.
 */
final class WakeHub implements AutoCloseable {
    /** The message that wakes every waiter of a name. */
    static final String RELEASED = "released";

    /** One waiting acquisition. */
    static final class Waiter {
        private final Semaphore wakeups = new Semaphore(0);
        private final String token;
        /** The topic it joined; set once, by {@link #join}. */
        private volatile Topic topic;
        /** The highest fencing token of a hand-off to this waiter that a message announced; -1: none. */
        private volatile long handedFence = -1;
        /**
         * When the hold of the latest hand-off to another waiter ends at the latest ({@link System#nanoTime()}),
         * announced since {@link #rearm()}; {@link Long#MAX_VALUE}: none.
         */
        private volatile long otherHoldEnds = Long.MAX_VALUE;

        Waiter(String token) {
            this.token = token;
        }

        /** Wakes the waiter to try again at once. */
        void lookAgain() {
            otherHoldEnds = System.nanoTime();
            wakeups.release();
        }

        void handedOver(long fence) {
            if (fence > handedFence) {
                handedFence = fence;
            }
            wakeups.release();
        }

        /** Another waiter was handed the lock for {@code leaseMillis}: its hold ends by then, so look again at that time. */
        void handedToAnother(long leaseMillis) {
            otherHoldEnds = Math.min(otherHoldEnds, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis + 1));
            wakeups.release();
        }

        /** Forgets hand-offs to others announced so far: the next attempt learns about the current hold itself. */
        void rearm() {
            otherHoldEnds = Long.MAX_VALUE;
        }

        /** See {@link #handedToAnother}. */
        long otherHoldEnds() {
            return otherHoldEnds;
        }

        /** The fencing token of the latest hand-off announced to this waiter, or -1. */
        long handedFence() {
            return handedFence;
        }

        /** Sleeps until woken or {@code nanos} elapse; wake-ups that piled up meanwhile are covered by what follows. */
        void await(long nanos) throws InterruptedException {
            if (wakeups.tryAcquire(nanos, TimeUnit.NANOSECONDS)) {
                wakeups.drainPermits();
            }
        }
    }

    private static final class Topic {
        final List<Waiter> waiters = new ArrayList<>(2);
        long idleSince;
        /** Completes once the server confirmed this topic's SUBSCRIBE; exceptionally if it failed. */
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        /** Whether its SUBSCRIBE failed because the subscribing thread was interrupted (the other joiners try again). */
        volatile boolean interrupted;
    }

    private static final CompletableFuture<Void> NO_CALL = CompletableFuture.completedFuture(null);

    private final RedisPort port;
    private final long lingerNanos;
    private final ReentrantLock subscriptions = new ReentrantLock();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** Per channel, the latest SUBSCRIBE or UNSUBSCRIBE decided; completes (normally) when that call has returned. */
    private final Map<String, CompletableFuture<Void>> lastCall = new HashMap<>();
    private final ScheduledExecutorService janitor;

    WakeHub(RedisPort port, Duration linger) {
        this.port = port;
        this.lingerNanos = linger.toNanos();
        this.janitor = Daemons.every("latchkey-redis-lua-janitor", linger, this::unsubscribeIdle);
        port.onMessage(this::wake);
    }

    /**
     * Registers the waiter for the acquisition {@code token} on {@code channel}, subscribing first if no
     * waiter of this client listens to it yet; returns once the subscription is confirmed by the server.
     *
     * @throws InterruptedException if interrupted while waiting for the subscription
     * @throws dev.latchkey.LockUnavailableException if the subscription failed
     */
    Waiter join(String channel, String token) throws InterruptedException {
        while (true) {
            Waiter waiter = new Waiter(token);
            Topic topic;
            CompletableFuture<Void> before = null;
            subscriptions.lockInterruptibly(); // short: no call under it
            try {
                topic = topics.get(channel);
                if (topic == null) {
                    topic = new Topic();
                    topics.put(channel, topic);
                    before = lastCall.getOrDefault(channel, NO_CALL);
                    lastCall.put(channel, topic.subscribed.handle((ok, failed) -> null));
                }
                synchronized (topic) {
                    topic.waiters.add(waiter);
                }
                waiter.topic = topic;
            } finally {
                subscriptions.unlock();
            }
            if (before != null) {
                subscribe(channel, topic, before);
            }
            try {
                topic.subscribed.get();
                return waiter;
            } catch (ExecutionException e) {
                leave(channel, waiter);
                if (before != null && Thread.interrupted()) {
                    InterruptedException ie = new InterruptedException("interrupted while subscribing to " + channel);
                    ie.initCause(e.getCause());
                    throw ie;
                }
                if (before == null && topic.interrupted) {
                    continue; // the joiner that subscribed was interrupted, not this one: subscribe afresh
                }
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                leave(channel, waiter);
                throw e;
            }
        }
    }

    /** Makes a new topic's SUBSCRIBE, after the channel's previous call (an UNSUBSCRIBE, bounded by the port's timeout). */
    private void subscribe(String channel, Topic topic, CompletableFuture<Void> before) {
        try {
            before.join(); // never fails: see lastCall
            port.subscribe(channel);
            topic.subscribed.complete(null);
        } catch (RuntimeException e) {
            topic.interrupted = Thread.currentThread().isInterrupted();
            subscriptions.lock();
            try {
                topics.remove(channel, topic);
            } finally {
                subscriptions.unlock();
            }
            topic.subscribed.completeExceptionally(e);
            forget(channel);
        }
    }

    /** Drops the channel's entry in {@code lastCall} once its latest call has returned and no topic uses it. */
    private void forget(String channel) {
        subscriptions.lock();
        try {
            CompletableFuture<Void> last = lastCall.get(channel);
            if (last != null && last.isDone() && !topics.containsKey(channel)) {
                lastCall.remove(channel);
            }
        } finally {
            subscriptions.unlock();
        }
    }

    /** Removes a waiter. */
    void leave(String channel, Waiter waiter) {
        Topic topic = waiter.topic;
        synchronized (topic) {
            topic.waiters.remove(waiter);
            if (topic.waiters.isEmpty()) {
                topic.idleSince = System.nanoTime();
            }
        }
    }

    /** Whether this client currently holds a subscription to the channel (for tests). */
    boolean isSubscribed(String channel) {
        Topic topic = topics.get(channel);
        return topic != null && topic.subscribed.isDone() && !topic.subscribed.isCompletedExceptionally();
    }

    /** Hands a grant to the waiter a message names, or wakes every waiter of the topic on {@link #RELEASED}. */
    private void wake(String channel, String message) {
        Topic topic = topics.get(channel);
        if (topic == null) {
            return;
        }
        if (message.startsWith("g ")) {
            int space = message.indexOf(' ', 2);
            int space2 = message.indexOf(' ', space + 1);
            long fence = Long.parseLong(message, 2, space, 10);
            long lease = Long.parseLong(message, space + 1, space2, 10);
            String token = message.substring(space2 + 1);
            List<Waiter> all;
            synchronized (topic) {
                all = List.copyOf(topic.waiters);
            }
            for (Waiter w : all) {
                if (w.token.equals(token)) {
                    w.handedOver(fence);
                } else {
                    w.handedToAnother(lease);
                }
            }
        } else {
            List<Waiter> all;
            synchronized (topic) {
                all = List.copyOf(topic.waiters);
            }
            all.forEach(Waiter::lookAgain);
        }
    }

    private void unsubscribeIdle() {
        List<String> idle = new ArrayList<>();
        List<CompletableFuture<Void>> befores = new ArrayList<>();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        subscriptions.lock();
        try {
            long now = System.nanoTime();
            for (Iterator<Map.Entry<String, Topic>> it = topics.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Topic> e = it.next();
                Topic topic = e.getValue();
                synchronized (topic) {
                    if (!topic.waiters.isEmpty() || !topic.subscribed.isDone() || now - topic.idleSince < lingerNanos) {
                        continue;
                    }
                }
                it.remove();
                CompletableFuture<Void> call = new CompletableFuture<>();
                idle.add(e.getKey());
                befores.add(lastCall.getOrDefault(e.getKey(), NO_CALL));
                calls.add(call);
                lastCall.put(e.getKey(), call);
            }
        } finally {
            subscriptions.unlock();
        }
        for (int i = 0; i < idle.size(); i++) { // under no lock
            try {
                befores.get(i).join();
                port.unsubscribe(idle.get(i));
            } catch (RuntimeException ignored) {
                // the connection is gone, and with it the subscription; never let the janitor die
            } finally {
                calls.get(i).complete(null);
                forget(idle.get(i));
            }
        }
    }

    /** Stops the janitor and wakes every waiter, so that they find the client closed at once. */
    @Override
    public void close() {
        janitor.shutdownNow();
        for (Topic topic : topics.values()) {
            synchronized (topic) {
                topic.waiters.forEach(Waiter::lookAgain);
            }
        }
    }
}
