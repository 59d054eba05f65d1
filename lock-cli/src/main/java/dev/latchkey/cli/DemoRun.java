package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.CountingClock;
import dev.latchkey.tck.History;
import dev.latchkey.tck.RecordedLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The demo's contention phase on one backend: {@code workers} participants, each its own
 * {@link LockClient} (own connections), take the same lock {@code rounds} times, hold it for
 * {@code hold}, release it and pause for a random time up to {@code hold}. Worker {@code w0}'s
 * wall clock runs {@code skew} ahead, through {@link LockEnvironment#withClock}: a backend that judges
 * expiry by client clocks is misled by it, a backend that reads no wall clock is not affected (every
 * participant's clock counts its reads, so the demo can say which). {@code w0} joins half a hold late,
 * so that its first attempt meets a live hold. Every acquisition and release is recorded in the TCK's
 * {@link History}. Used by one thread; the workers are its own threads.
 */
final class DemoRun {
    /** The worker whose clock is skewed. */
    static final String SKEWED = "w0";

    /** What the contention phase recorded. */
    record Outcome(History history, int attempts, long wallClockReads, long elapsedNanos) {
    }

    private final String label;
    private final Function<LockEnvironment, LockClient> open;
    private final int workers;
    private final int rounds;
    private final Duration hold;
    private final Duration lease;
    private final Duration wait;
    private final Duration skew;
    private final String lockName;
    private final History history = new History();
    private final AtomicLong clockReads = new AtomicLong();
    private final AtomicInteger acquired = new AtomicInteger();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger liveOverlaps = new AtomicInteger();

    DemoRun(String label, Function<LockEnvironment, LockClient> open, int workers, int rounds, Duration hold,
            Duration lease, Duration wait, Duration skew, String lockName) {
        this.label = label;
        this.open = open;
        this.workers = workers;
        this.rounds = rounds;
        this.hold = hold;
        this.lease = lease;
        this.wait = wait;
        this.skew = skew;
        this.lockName = lockName;
    }

    /** Opens the clients, runs the workers to the end and closes the clients. */
    Outcome run(Progress progress) throws InterruptedException {
        List<LockClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                Duration offset = i == 0 ? skew : Duration.ZERO;
                clients.add(open.apply(LockEnvironment.SYSTEM.withClock(new CountingClock(offset, clockReads))));
            }
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(workers);
            int total = workers * rounds;
            progress.start(label, total);
            long started = System.nanoTime();
            for (int i = 0; i < workers; i++) {
                LockClient client = clients.get(i);
                String id = "w" + i;
                Thread t = new Thread(() -> {
                    try {
                        work(id, client);
                    } catch (RuntimeException e) {
                        history.note(id, lockName, e.toString());
                        failure.compareAndSet(null, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "demo-" + label + "-" + id);
                t.setDaemon(true);
                t.start();
            }
            while (!done.await(100, TimeUnit.MILLISECONDS)) {
                progress.update(label, acquired.get(), total, liveOverlaps.get());
            }
            long elapsed = System.nanoTime() - started;
            progress.finish(label, acquired.get(), total, liveOverlaps.get(), elapsed);
            if (failure.get() != null) {
                throw failure.get();
            }
            return new Outcome(history, total, clockReads.get(), elapsed);
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    private void work(String id, LockClient client) throws InterruptedException {
        if (id.equals(SKEWED) && !skew.isZero()) {
            Thread.sleep(hold.toMillis() / 2);
        }
        for (int r = 0; r < rounds; r++) {
            Optional<RecordedLease> held = history.tryAcquire(id, client.lock(lockName), wait, lease);
            if (held.isEmpty()) {
                continue; // recorded as a failed acquisition
            }
            if (holding.incrementAndGet() > 1) {
                liveOverlaps.incrementAndGet(); // for the progress line only; the verdict checks the history
            }
            acquired.incrementAndGet();
            Thread.sleep(hold.toMillis());
            holding.decrementAndGet();
            try {
                held.get().release();
            } catch (LockLostException e) {
                // recorded as a failed release: the hold had ended before it
            }
            // Think time, so that the releasing worker does not simply take the lock again before the others.
            Thread.sleep(ThreadLocalRandom.current().nextLong(hold.toMillis() + 1));
        }
    }
}
