package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.tck.FencedRegister;
import dev.latchkey.tck.History;
import dev.latchkey.tck.RecordedLease;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The demo's pause phase on one backend: the classic failure of a lease without fencing
 * (Kleppmann, "How to do distributed locking", 2016), and the article's stale {@code DEL}.
 * <ol>
 *   <li>A acquires the lock and reads the protected store (the TCK's {@link FencedRegister}, which
 *       rejects any token below the highest it has seen) with its fencing token.</li>
 *   <li>A stalls, as in a long GC pause, for 1.5 leases and until B has written: meanwhile A's lease
 *       expires, B (waiting) acquires the lock and increments the store with its own token.</li>
 *   <li>A wakes, unaware, and writes the value it read plus one with its old token: a fenced store
 *       rejects it (A's token is below B's); without tokens it is accepted and B's update is lost.</li>
 *   <li>A releases. An owner-checked release reports the loss and leaves B's hold alone; a plain
 *       {@code DEL} frees B's lock, and C, trying for a quarter lease right after, gets it while B
 *       still holds it.</li>
 * </ol>
 * Every acquisition and release is recorded in a {@link History}. Used by one thread.
 */
final class PauseTrial {
    /**
     * What the pause phase saw.
     *
     * @param tokenA     A's fencing token (0: none)
     * @param tokenB     B's fencing token, or -1 if B never got the lock
     * @param staleWrite whether A's write after its pause was accepted
     * @param lostUpdate whether the store lost B's increment
     * @param releaseA   what A's late release said: RELEASED, ALREADY_RELEASED or LOST
     * @param cGotIn     whether C got the lock after A's release (while B held it, or after; the history says which)
     * @param rejected   the store's rejections, e.g. {@code "write of 1 with token 1 < 2"}
     */
    record Result(History history, Duration pause, long tokenA, long tokenB, boolean staleWrite, boolean lostUpdate,
                  String releaseA, boolean cGotIn, List<String> rejected) {
    }

    private PauseTrial() {
    }

    /**
     * @param open opens a new participant (its own client) of the backend; closed here
     */
    static Result run(Supplier<LockClient> open, String lockName, Duration lease) throws InterruptedException {
        History history = new History();
        FencedRegister store = new FencedRegister();
        Duration pause = lease.multipliedBy(3).dividedBy(2);
        Duration wait = lease.multipliedBy(4);
        try (LockClient a = open.get(); LockClient b = open.get(); LockClient c = open.get()) {
            RecordedLease heldA = history.tryAcquire("A", a.lock(lockName), wait, lease)
                    .orElseThrow(() -> new CliException(ExitCodes.CHECK_FAILED, "A did not get a free lock within " + Text.duration(wait)));
            OptionalLong readA = store.read(heldA.token());
            history.note("A", lockName, "read " + readA + " with token " + heldA.token() + ", then stalls for "
                    + pause.toMillis() + " ms (a GC pause)");
            CompletableFuture<Optional<RecordedLease>> heldB = CompletableFuture.supplyAsync(() -> {
                try {
                    Optional<RecordedLease> got = history.tryAcquire("B", b.lock(lockName), wait, lease);
                    got.ifPresent(l -> store.increment(l.token(), () -> { }));
                    return got;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            });
            Thread.sleep(pause.toMillis());
            Optional<RecordedLease> gotB = await(heldB, wait.plus(lease)); // the pause lasts until B has written
            boolean staleWrite = store.write(heldA.token(), readA.orElse(0) + 1);
            history.note("A", lockName, "wakes and writes " + (readA.orElse(0) + 1) + " with token " + heldA.token()
                    + ": " + (staleWrite ? "accepted" : "rejected"));
            String releaseA;
            try {
                releaseA = heldA.release().name();
            } catch (LockLostException e) {
                releaseA = "LOST";
            }
            Optional<RecordedLease> gotC = history.tryAcquire("C", c.lock(lockName), lease.dividedBy(4), lease);
            gotC.ifPresent(PauseTrial::releaseQuietly);
            gotB.ifPresent(PauseTrial::releaseQuietly);
            return new Result(history, pause, heldA.token(), gotB.map(RecordedLease::token).orElse(-1L), staleWrite,
                    store.lostUpdates().isPresent(), releaseA, gotC.isPresent(), store.rejected());
        }
    }

    private static <T> Optional<T> await(CompletableFuture<Optional<T>> future, Duration limit) throws InterruptedException {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }

    private static void releaseQuietly(RecordedLease lease) {
        try {
            lease.release();
        } catch (LockLostException e) {
            // recorded in the history: the hold had ended before the release
        }
    }
}
