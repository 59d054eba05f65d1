package dev.latchkey.redis.quorum;

import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.common.RedisPort;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One request to one node, run by that node's threads. Until a thread starts it, it can be
 * cancelled, and then it certainly never reaches the node ({@link NotSent}); once started, its
 * outcome is whatever {@link #result} says, and a failure means the outcome on the node is unknown.
 *
 * <p>Thread-safe: the start/cancel race is decided by one compare-and-set.
 */
final class NodeCall<T> implements Runnable {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int DROPPED = 2;

    /** A request that never left this client: its effect on the node is certainly nil. */
    static final class NotSent extends LockUnavailableException {
        private static final long serialVersionUID = 1L;

        NotSent(String message) {
            super(message);
        }

        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Node node;
    private final Function<RedisPort, T> body;
    private final AtomicInteger state = new AtomicInteger(NEW);
    /** Completes with the reply, or with the failure (a {@link NotSent} if the request was never sent). */
    final CompletableFuture<T> result = new CompletableFuture<>();

    NodeCall(Node node, Function<RedisPort, T> body) {
        this.node = node;
        this.body = body;
    }

    Node node() {
        return node;
    }

    @Override
    public void run() {
        if (!state.compareAndSet(NEW, STARTED)) {
            return;
        }
        RedisPort port;
        try {
            port = node.port(); // a node not connected yet fails with NotSent: nothing was sent
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        try {
            result.complete(body.apply(port));
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    /** Drops the request if no thread has started it; true if it was dropped (so it never reaches the node). */
    boolean cancelIfNotStarted() {
        return drop("cancelled before it was sent");
    }

    /** Fails the request without sending it (the node's backlog is full, or the client closed). */
    boolean drop(String why) {
        if (state.compareAndSet(NEW, DROPPED)) {
            result.completeExceptionally(new NotSent(node.address() + ": " + why));
            return true;
        }
        return false;
    }

    /** Whether the request certainly had no effect on the node: it was never sent. Meaningful once done. */
    static boolean wasNotSent(Throwable failure) {
        return failure instanceof NotSent;
    }
}
