package dev.latchkey.redis.quorum;

import dev.latchkey.redis.common.RedisPort;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One request sent to every node at once, and its replies as they arrive. The thread that sent it
 * takes the replies one by one ({@link #next}) and decides as soon as it can; replies that come
 * later are simply not taken. Requests still waiting for a thread can be dropped unsent
 * ({@link #cancelUnstarted}).
 *
 * <p>Confined to the sending thread, except the arrival queue, which the nodes' threads fill.
 */
final class Fanout<T> {
    /** One node's answer: a value, or a failure (see {@link NodeCall#wasNotSent}). */
    record Reply<T>(Node node, T value, Throwable failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private final List<NodeCall<T>> calls;
    private final LinkedBlockingQueue<Reply<T>> arrivals = new LinkedBlockingQueue<>();
    private int taken;

    private Fanout(List<Node> nodes, Function<RedisPort, T> body) {
        List<NodeCall<T>> out = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            NodeCall<T> call = node.call(body);
            call.result.whenComplete((value, failure) -> arrivals.add(new Reply<>(node, value, failure)));
            out.add(call);
        }
        this.calls = List.copyOf(out);
    }

    /** Sends {@code body} to every node, each on its own pool. */
    static <T> Fanout<T> send(List<Node> nodes, Function<RedisPort, T> body) {
        return new Fanout<>(nodes, body);
    }

    /** The requests, in node order (for actions on their outcomes, such as undoing them). */
    List<NodeCall<T>> calls() {
        return calls;
    }

    /** Replies not taken yet, including those still on their way. */
    int pending() {
        return calls.size() - taken;
    }

    /**
     * The next reply, waiting until {@code deadline} (a reading of {@code clock}); null if none came
     * in time or none is pending.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    Reply<T> next(long deadline, LongSupplier clock) throws InterruptedException {
        if (pending() == 0) {
            return null;
        }
        long left = deadline - clock.getAsLong();
        Reply<T> r = left <= 0 ? arrivals.poll() : arrivals.poll(left, TimeUnit.NANOSECONDS);
        if (r != null) {
            taken++;
        }
        return r;
    }

    /** As {@link #next}, but an interrupt does not end the wait; the thread's interrupt flag is kept. */
    Reply<T> nextUninterruptibly(long deadline, LongSupplier clock) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return next(deadline, clock);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Drops every request that no thread has started: those certainly never reach their node. */
    void cancelUnstarted() {
        for (NodeCall<T> call : calls) {
            call.cancelIfNotStarted();
        }
    }
}
