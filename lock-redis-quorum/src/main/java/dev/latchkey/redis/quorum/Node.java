package dev.latchkey.redis.quorum;

import dev.latchkey.redis.common.Daemons;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One Redis master of the quorum, as one client sees it: its port (connections), the threads that
 * talk to it, and nothing else.
 *
 * <p>Design note. Every request to a node runs on that node's own small pool, so a node that hangs
 * (paused, black-holed, slow) occupies only its own threads and delays no decision that a majority
 * of the others can make. The pool's queue is bounded, with room for a healthy node that stalls for a
 * moment (an fsync), not for one that stopped answering: beyond it, requests fail at once without
 * being sent ({@link NodeCall.NotSent}). (The driver also drops the acquire requests still queued when
 * their round is decided, so they never land, stale, when the node comes back.) Pub/sub (SUBSCRIBE and
 * UNSUBSCRIBE) runs on a separate single-thread lane, so that the two stay in the order they were
 * asked for. A node that cannot be reached when the client opens (or later, before its first
 * connection) is connected lazily by the first request that needs it, which the node's other requests
 * wait for; after a failed attempt, requests fail fast without being sent until a connection is tried
 * again after a growing pause (at most {@link #MAX_RETRY_MILLIS}). Once connected, the client
 * library reconnects by itself.
 *
 * <p>Thread-safe. The port is published through an atomic reference, and exactly one of
 * {@link #close()} and a connection attempt that races it closes a port.
 */
final class Node implements AutoCloseable {
    /** Requests to one node in flight at once: below Jedis' default pool of 8, one of which pub/sub takes. */
    static final int CALL_THREADS = 6;
    /**
     * Requests to one node waiting for a thread before new ones are refused (not sent): room for a
     * healthy node that is slow for a moment (an fsync), not for one that stopped answering.
     */
    static final int BACKLOG = 1024;
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 2_000;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final int index;
    private final RedisSettings settings;
    private final BiConsumer<String, String> listener;
    private final ThreadPoolExecutor calls;
    private final ThreadPoolExecutor lane;
    private final AtomicReference<RedisPort> port = new AtomicReference<>();
    /** The connection attempt in progress, if any: the node's other threads wait for it rather than fail. */
    private final AtomicReference<CompletableFuture<RedisPort>> connecting = new AtomicReference<>();
    private final long connectWaitMillis;
    private volatile long retryAt = System.nanoTime();
    private volatile long retryMillis = FIRST_RETRY_MILLIS;
    private volatile String lastFailure = "not connected yet";
    private volatile boolean closed;

    /** @param listener receives every pub/sub message of this node's port: (channel, message) */
    Node(int index, RedisSettings settings, BiConsumer<String, String> listener) {
        this.index = index;
        this.settings = settings;
        this.listener = listener;
        this.connectWaitMillis = 2 * settings.timeout().toMillis(); // connect, then PING
        String id = "latchkey-quorum-" + CLIENTS.incrementAndGet() + "-node" + index;
        this.calls = new ThreadPoolExecutor(CALL_THREADS, CALL_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(BACKLOG), Daemons.named(id));
        this.calls.allowCoreThreadTimeOut(true);
        this.lane = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Daemons.named(id + "-pubsub"));
        this.lane.allowCoreThreadTimeOut(true);
    }

    int index() {
        return index;
    }

    /** host:port/db, for messages. */
    String address() {
        return settings.address();
    }

    /** Sends a request on this node's pool; a full backlog or a closed client fails it at once, unsent. */
    <T> NodeCall<T> call(Function<RedisPort, T> body) {
        return submit(calls, body);
    }

    /** Runs a pub/sub request on this node's lane, after every one submitted before it. */
    <T> NodeCall<T> inLane(Function<RedisPort, T> body) {
        return submit(lane, body);
    }

    private <T> NodeCall<T> submit(ThreadPoolExecutor pool, Function<RedisPort, T> body) {
        NodeCall<T> call = new NodeCall<>(this, body);
        if (closed) {
            call.drop("the lock client is closed");
            return call;
        }
        try {
            pool.execute(call);
        } catch (RejectedExecutionException full) {
            call.drop(closed ? "the lock client is closed"
                    : BACKLOG + " requests are already waiting for this node (it does not answer)");
        }
        return call;
    }

    /**
     * The connected port; connects now if it is time to try again. Runs on this node's threads.
     *
     * @throws NodeCall.NotSent if the node is not connected (nothing was sent)
     */
    RedisPort port() {
        RedisPort p = port.get();
        if (p != null) {
            return p;
        }
        if (closed) {
            throw new NodeCall.NotSent(address() + ": the lock client is closed");
        }
        CompletableFuture<RedisPort> attempt = connecting.get();
        if (attempt == null) {
            if (System.nanoTime() - retryAt < 0) {
                throw new NodeCall.NotSent(address() + " is not connected (" + lastFailure + ")");
            }
            CompletableFuture<RedisPort> mine = new CompletableFuture<>();
            if (connecting.compareAndSet(null, mine)) {
                connect(mine);
                attempt = mine;
            } else {
                attempt = connecting.get();
            }
        }
        if (attempt == null) {
            return port(); // an attempt ended meanwhile: look again
        }
        try {
            return attempt.get(connectWaitMillis, TimeUnit.MILLISECONDS); // another thread of this node is connecting
        } catch (ExecutionException e) {
            throw new NodeCall.NotSent(address() + " could not be connected: " + lastFailure, e.getCause());
        } catch (TimeoutException e) {
            throw new NodeCall.NotSent(address() + " is not connected yet");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeCall.NotSent(address() + ": interrupted while connecting");
        }
    }

    private void connect(CompletableFuture<RedisPort> attempt) {
        try {
            RedisPort p = RedisPorts.open(settings);
            p.onMessage(listener);
            port.set(p);
            if (closed) {
                closePort();
                attempt.completeExceptionally(new NodeCall.NotSent(address() + ": the lock client is closed"));
                return;
            }
            retryMillis = FIRST_RETRY_MILLIS;
            attempt.complete(p);
        } catch (RuntimeException e) {
            lastFailure = String.valueOf(e.getMessage());
            retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
            retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
            attempt.completeExceptionally(e);
        } finally {
            connecting.set(null);
        }
    }

    /** Whether a port is connected (for descriptions and tests). */
    boolean isConnected() {
        return port.get() != null;
    }

    /** Stops the threads (requests in flight fail or finish on their own) and closes the port. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (ThreadPoolExecutor pool : new ThreadPoolExecutor[] {calls, lane}) {
            for (Runnable never : pool.shutdownNow()) {
                ((NodeCall<?>) never).drop("the lock client is closed"); // so that nobody waits for it
            }
        }
        closePort();
    }

    private void closePort() {
        RedisPort p = port.getAndSet(null);
        if (p != null) {
            try {
                p.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public String toString() {
        return "node " + index + " (" + address() + ")";
    }

}
