package dev.latchkey.redis.quorum;

import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.common.Daemons;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups for the waiting acquisitions of one client, over the single pub/sub connection of each
 * node's port.
 *
 * <p>Design note. Each lock name has a channel on every node and, here, a topic: a FIFO queue of the
 * local waiters on that name, which doubles as the reference count of the subscriptions (many local
 * waiters share one SUBSCRIBE per node). {@link #join} returns once a majority of the nodes have
 * confirmed the subscription, and the caller makes its next attempt after that. A release deletes
 * the holder's key on a majority and publishes on each node where it did; any two majorities
 * intersect, so at least one of those messages reaches a confirmed subscription: a release between a
 * failed attempt and the subscription cannot be missed while the network delivers. Nodes that did not
 * confirm are tried again by the next join. The message names the hold that ended, and a topic
 * remembers the last few names it heard, so the same release heard from several nodes wakes one
 * waiter once (no herd), and only the head of the queue; a waiter that leaves without acting on a
 * wake-up passes it on. Idle topics linger, still subscribed, before a janitor unsubscribes them.
 * Messages can still be lost (a reconnecting pub/sub connection, a partition); the driver's bounded
 * re-check covers that.
 *
 * <p>Thread-safe. {@code subscriptions} orders the creation and removal of topics and the submission
 * of SUBSCRIBE and UNSUBSCRIBE (which each node's lane then runs in that order); each topic's queue
 * and memory of messages are guarded by the topic itself. No monitor or lock is held while waiting
 * for a node.
 */
final class QuorumWakeHub implements AutoCloseable {
    /** How many recent message names a topic remembers to drop duplicates from other nodes. */
    private static final int REMEMBERED = 16;

    /** One waiting acquisition. */
    static final class Waiter {
        private final Semaphore wakeups = new Semaphore(0);

        void signal() {
            wakeups.release();
        }

        /**
         * Sleeps until woken or {@code nanos} elapse; wake-ups that piled up meanwhile are covered by the one
         * attempt that follows. Returns whether it was woken.
         */
        boolean await(long nanos) throws InterruptedException {
            if (wakeups.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS)) {
                wakeups.drainPermits();
                return true;
            }
            return false;
        }

        /** Takes and reports wake-ups received but not yet acted on. */
        boolean drainUnused() {
            return wakeups.drainPermits() > 0;
        }
    }

    private static final class Topic {
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        final ArrayDeque<String> heard = new ArrayDeque<>();
        /** Per node, the latest SUBSCRIBE (null if none); guarded by the hub's {@code subscriptions}. */
        final List<CompletableFuture<Object>> subscribed;
        long idleSince;

        Topic(int nodes) {
            subscribed = new ArrayList<>(nodes);
            for (int i = 0; i < nodes; i++) {
                subscribed.add(null);
            }
        }
    }

    private final List<Node> nodes;
    private final int quorum;
    private final long lingerNanos;
    private final long confirmNanos;
    private final ReentrantLock subscriptions = new ReentrantLock();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;

    /**
     * @param confirm how long a join waits for a majority of confirmations before it reports the
     *                nodes unavailable
     */
    QuorumWakeHub(List<Node> nodes, int quorum, Duration linger, Duration confirm) {
        this.nodes = nodes;
        this.quorum = quorum;
        this.lingerNanos = linger.toNanos();
        this.confirmNanos = confirm.toNanos();
        this.janitor = Daemons.every("latchkey-redis-quorum-janitor", linger, this::unsubscribeIdle);
    }

    /**
     * Queues a waiter on {@code channel}, subscribing on every node where this client does not yet
     * listen; returns once a majority of the nodes have confirmed.
     *
     * @throws InterruptedException if interrupted while waiting for the confirmations
     * @throws LockUnavailableException if a majority could not be subscribed
     */
    Waiter join(String channel) throws InterruptedException {
        Waiter waiter = new Waiter();
        List<CompletableFuture<Object>> confirmations;
        subscriptions.lockInterruptibly();
        try {
            Topic topic = topics.computeIfAbsent(channel, c -> new Topic(nodes.size()));
            synchronized (topic) {
                topic.waiters.addLast(waiter);
            }
            for (int i = 0; i < nodes.size(); i++) {
                CompletableFuture<Object> s = topic.subscribed.get(i);
                if (s == null || s.isCompletedExceptionally()) {
                    topic.subscribed.set(i, nodes.get(i).inLane(port -> {
                        port.subscribe(channel);
                        return (Object) channel;
                    }).result);
                }
            }
            confirmations = List.copyOf(topic.subscribed);
        } finally {
            subscriptions.unlock();
        }
        try {
            awaitMajority(channel, confirmations);
        } catch (InterruptedException | RuntimeException e) {
            leave(channel, waiter, false);
            throw e;
        }
        return waiter;
    }

    private void awaitMajority(String channel, List<CompletableFuture<Object>> confirmations) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch decided = new CountDownLatch(1);
        int n = confirmations.size();
        List<String> why = new ArrayList<>();
        for (CompletableFuture<Object> c : confirmations) {
            c.whenComplete((v, e) -> {
                if (e == null) {
                    if (ok.incrementAndGet() >= quorum) {
                        decided.countDown();
                    }
                } else {
                    synchronized (why) {
                        why.add(e.getMessage());
                    }
                    if (failed.incrementAndGet() > n - quorum) {
                        decided.countDown();
                    }
                }
            });
        }
        decided.await(confirmNanos, TimeUnit.NANOSECONDS);
        if (ok.get() < quorum) {
            synchronized (why) {
                throw new LockUnavailableException("redis-quorum: SUBSCRIBE " + channel + " confirmed by " + ok.get() + " of " + n
                        + " nodes, " + quorum + " needed" + (why.isEmpty() ? "" : ": " + String.join("; ", why)));
            }
        }
    }

    /**
     * Removes a waiter. If it leaves without the lock while holding a wake-up it did not act on,
     * that wake-up goes to the next waiter.
     */
    void leave(String channel, Waiter waiter, boolean acquired) {
        Topic topic = topics.get(channel); // present: only topics without waiters are ever removed
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

    /** Whether this client currently listens on the channel (for tests). */
    boolean isSubscribed(String channel) {
        return topics.containsKey(channel);
    }

    /** A message from any node: wakes the local head once per hold that ended, however many nodes say so. */
    void wake(String channel, String message) {
        Topic topic = topics.get(channel);
        if (topic == null) {
            return;
        }
        Waiter target;
        synchronized (topic) {
            if (topic.heard.contains(message)) {
                return;
            }
            topic.heard.addLast(message);
            if (topic.heard.size() > REMEMBERED) {
                topic.heard.removeFirst();
            }
            target = topic.waiters.peekFirst();
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
                    String channel = e.getKey();
                    for (int i = 0; i < nodes.size(); i++) {
                        CompletableFuture<Object> s = topic.subscribed.get(i);
                        if (s != null && !s.isCompletedExceptionally()) {
                            nodes.get(i).inLane(port -> { // after the SUBSCRIBE, in the lane's order
                                port.unsubscribe(channel);
                                return null;
                            });
                        }
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
