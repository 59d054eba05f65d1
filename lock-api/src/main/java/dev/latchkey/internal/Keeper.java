package dev.latchkey.internal;

import org.jspecify.annotations.Nullable;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.Ticker;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's threads, and the one place where the engine undoes an acquisition.
 *
 * <p>Design note. Two executors, each with one job. The timer thread only decides: a lease's timer
 * asks its {@link LeaseState} what is due and never blocks, never calls the driver. Every background
 * driver call (a renewal, an undo retry, an async acquisition, a release at close) runs on the I/O
 * pool, a cached pool of daemon threads, so a call that hangs on a dead connection occupies one
 * thread and delays nothing else: no other lease's renewal, no timer. Calls made for a caller
 * (release, extend, a synchronous acquisition) run on the caller's thread, with no monitor held.
 *
 * <p>Undo. A grant whose outcome the engine does not trust (the acquisition failed or was
 * interrupted with the request possibly applied, the grant arrived too late, or raced a
 * cancellation) is given back with an owner-checked release of the same token, which is harmless if
 * nothing was granted. If the backend cannot be reached, the undo is retried in the background until
 * the hold could no longer exist on the server, or the client closes.
 *
 * <p>Interrupts. A driver call made for a caller runs with the thread's interrupt flag cleared and
 * restores it afterwards, so that clients whose I/O aborts on interrupt (Lettuce) still release and
 * extend from an interrupted thread; see {@link #uninterruptibly}.
 *
 * <p>Thread-safe.
 */
final class Keeper {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    /** How often an undo that could not reach the backend is tried again. */
    private static final long UNDO_RETRY_MILLIS = 100;

    private final LockDriver driver;
    private final Ticker ticker;
    private final ScheduledThreadPoolExecutor timers;
    private final ThreadPoolExecutor io;

    Keeper(LockDriver driver, Ticker ticker, String clientId) {
        this.driver = driver;
        this.ticker = ticker;
        int n = CLIENTS.incrementAndGet();
        this.timers = new ScheduledThreadPoolExecutor(1, daemon("latchkey-timer-" + n));
        this.timers.setRemoveOnCancelPolicy(true);
        this.io = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("latchkey-io-" + clientId));
    }

    long now() {
        return ticker.nanoTime();
    }

    /** Runs {@code task} on the timer thread after {@code delayNanos}; null if the keeper has shut down. */
    @Nullable ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return timers.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            return null;
        }
    }

    /** Runs {@code task} on an I/O thread; false if the keeper has shut down. */
    boolean background(Runnable task) {
        try {
            io.execute(task);
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false;
        }
    }

    /** Submits {@code task} to an I/O thread. */
    <T> Future<T> submit(Callable<T> task) {
        return io.submit(task);
    }

    /**
     * Runs a driver call for a caller: on its thread with the interrupt flag cleared, which is restored
     * afterwards. If an interrupt arrives during the call and the call fails (an I/O layer that aborts
     * on interrupt), the call is made once more on an I/O thread, which no interrupt reaches, and the
     * caller waits for it without responding to interrupts. The call must be safe to repeat.
     */
    <T> T uninterruptibly(Callable<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            try {
                return call.call();
            } catch (RuntimeException e) {
                if (!Thread.interrupted()) {
                    throw e;
                }
                interrupted = true;
            }
            return awaitOnIoThread(call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T awaitOnIoThread(Callable<T> call) throws Exception {
        Future<T> f;
        try {
            f = io.submit(call);
        } catch (RejectedExecutionException shutDown) {
            return call.call();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception) {
                        throw (Exception) cause;
                    }
                    throw (Error) cause;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Undoes a grant to {@code token} that may exist: an owner-checked release now, on this thread,
     * and if the backend cannot be reached, again in the background until {@code expiresBy} (ticker
     * nanos: when the hold, if any, has certainly expired on the server) or until the client closes.
     */
    void undo(String name, String token, long expiresBy) {
        try {
            uninterruptibly(() -> driver.release(name, token));
        } catch (RuntimeException unreachable) {
            retryUndo(name, token, expiresBy);
        }
    }

    /** Undoes in the background: for callers that must not wait (a timer, a cancelled async acquisition). */
    void undoLater(String name, String token, long expiresBy) {
        if (!background(() -> undo(name, token, expiresBy))) {
            undo(name, token, expiresBy);
        }
    }

    private void retryUndo(String name, String token, long expiresBy) {
        if (now() - expiresBy >= 0) {
            return;
        }
        schedule(() -> background(() -> {
            try {
                driver.release(name, token);
            } catch (RuntimeException stillUnreachable) {
                retryUndo(name, token, expiresBy);
            }
        }), TimeUnit.MILLISECONDS.toNanos(UNDO_RETRY_MILLIS));
    }

    /** Stops both executors; calls in flight finish or fail on their own. */
    void shutdown() {
        timers.shutdownNow();
        io.shutdownNow();
    }

    /**
     * Runs {@code tasks} in parallel on a few short-lived threads and waits for them for at most
     * {@code timeoutNanos} (for close, after {@link #shutdown}).
     */
    static void runAll(List<Runnable> tasks, long timeoutNanos) {
        if (tasks.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, tasks.size()), daemon("latchkey-close"));
        tasks.forEach(pool::execute);
        pool.shutdown();
        boolean interrupted = false;
        try {
            pool.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            pool.shutdownNow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
