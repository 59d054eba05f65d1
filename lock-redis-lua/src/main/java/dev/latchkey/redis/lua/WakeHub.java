package dev.latchkey.redis.lua;

import dev.latchkey.redis.common.RedisPort;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups for the waiting acquisitions of one client, over its port's single pub/sub connection.
 *
 * <p>Design note. Each lock name has a channel and, here, a topic: a FIFO queue of the local
 * waiters on that name, which doubles as the reference count of the subscription (many local
 * waiters share one {@code SUBSCRIBE}). {@link #join} returns only once the server has confirmed
 * the subscription, and the caller makes its next attempt after that, so a release between a failed
 * attempt and the subscription cannot be missed. A release message ({@link #RELEASED}) wakes only
 * the head of the queue, not every waiter (no herd); a waiter that leaves without acting on a wake-up
 * it received passes it on to the new head. In fair mode the message names the one waiter, in any
 * client, whose turn it is (its token); only that waiter wakes. A topic whose queue is empty
 * lingers, still subscribed, for a moment before a janitor unsubscribes it, so that a busy lock does
 * not pay a SUBSCRIBE round trip per acquisition. Messages can still be lost (for instance while the pub/sub connection
 * reconnects); the driver's bounded re-check covers that.
 *
 * <p>Thread-safe. {@code subscriptions} orders every SUBSCRIBE and UNSUBSCRIBE and the creation and
 * removal of topics; each topic's queue is guarded by the topic itself.
 */
final class WakeHub implements AutoCloseable {
    /** The message of a release that names no particular waiter. */
    static final String RELEASED = "released";

    /** One waiting acquisition. */
    static final class Waiter {
        private final Semaphore wakeups = new Semaphore(0);
        private final String token;

        Waiter(String token) {
            this.token = token;
        }

        void signal() {
            wakeups.release();
        }

        /** Sleeps until woken or {@code nanos} elapse; wake-ups that piled up meanwhile are covered by the one attempt that follows. */
        void await(long nanos) throws InterruptedException {
            if (wakeups.tryAcquire(nanos, TimeUnit.NANOSECONDS)) {
                wakeups.drainPermits();
            }
        }

        /** Takes and reports wake-ups received but not yet acted on. */
        boolean drainUnused() {
            return wakeups.drainPermits() > 0;
        }
    }

    private static final class Topic {
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        long idleSince;
    }

    private final RedisPort port;
    private final long lingerNanos;
    private final ReentrantLock subscriptions = new ReentrantLock();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;

    WakeHub(RedisPort port, Duration linger) {
        this.port = port;
        this.lingerNanos = linger.toNanos();
        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latchkey-redis-lua-janitor");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, linger.toMillis());
        janitor.scheduleWithFixedDelay(this::unsubscribeIdle, period, period, TimeUnit.MILLISECONDS);
        port.onMessage(this::wake);
    }

    /**
     * Queues the waiter for the acquisition {@code token} on {@code channel}, subscribing first if no
     * local waiter listens to it yet; returns once the subscription is confirmed by the server.
     *
     * @throws InterruptedException if interrupted while waiting for the subscription
     * @throws dev.latchkey.LockUnavailableException if the subscription failed
     */
    Waiter join(String channel, String token) throws InterruptedException {
        Waiter waiter = new Waiter(token);
        subscriptions.lockInterruptibly();
        try {
            Topic topic = topics.get(channel);
            if (topic == null) {
                try {
                    port.subscribe(channel);
                } catch (RuntimeException e) {
                    if (Thread.interrupted()) {
                        InterruptedException ie = new InterruptedException("interrupted while subscribing to " + channel);
                        ie.initCause(e);
                        throw ie;
                    }
                    throw e;
                }
                topic = new Topic();
                topics.put(channel, topic);
            }
            synchronized (topic) {
                topic.waiters.addLast(waiter);
            }
        } finally {
            subscriptions.unlock();
        }
        return waiter;
    }

    /**
     * Removes a waiter. If it leaves without the lock while holding a wake-up it did not act on,
     * that wake-up goes to the next waiter.
     */
    void leave(String channel, Waiter waiter, boolean acquired) {
        Topic topic = topics.get(channel); // present: only idle topics (no waiters) are ever removed
        Waiter next = null;
        synchronized (topic) {
            topic.waiters.remove(waiter);
            if (topic.waiters.isEmpty()) {
                topic.idleSince = System.nanoTime();
            }
            if (waiter.drainUnused() && !acquired) {
                next = topic.waiters.peekFirst();
            }
        }
        if (next != null) {
            next.signal();
        }
    }

    /** Whether this client currently holds a subscription to the channel (for tests). */
    boolean isSubscribed(String channel) {
        return topics.containsKey(channel);
    }

    /** Wakes the local head on {@link #RELEASED}, or the local waiter that a fair release named. */
    private void wake(String channel, String message) {
        Topic topic = topics.get(channel);
        if (topic == null) {
            return;
        }
        Waiter target = null;
        synchronized (topic) {
            if (RELEASED.equals(message)) {
                target = topic.waiters.peekFirst();
            } else {
                for (Waiter w : topic.waiters) {
                    if (w.token.equals(message)) {
                        target = w;
                        break;
                    }
                }
            }
        }
        if (target != null) {
            target.signal();
        }
    }

    private void unsubscribeIdle() {
        subscriptions.lock();
        try {
            long now = System.nanoTime();
            for (Iterator<Map.Entry<String, Topic>> it = topics.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Topic> e = it.next();
                Topic topic = e.getValue();
                boolean idle;
                synchronized (topic) {
                    idle = topic.waiters.isEmpty() && now - topic.idleSince >= lingerNanos;
                }
                if (idle) {
                    it.remove();
                    try {
                        port.unsubscribe(e.getKey());
                    } catch (RuntimeException ignored) {
                        // the connection is gone, and with it the subscription
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // never let the janitor die; it tries again next period
        } finally {
            subscriptions.unlock();
        }
    }

    /** Stops the janitor and wakes every waiter, so that they find the client closed at once. */
    @Override
    public void close() {
        janitor.shutdownNow();
        for (Topic topic : topics.values()) {
            synchronized (topic) {
                topic.waiters.forEach(Waiter::signal);
            }
        }
    }
}
