package dev.latchkey.cli;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.tck.History;
import dev.latchkey.tck.RecordedLease;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backend's contention run in {@code lockctl demo}: {@code workers} participants, each its own
 * {@link LockClient} (own connections), take the same lock {@code rounds} times, hold it for
 * {@code hold}, release it and pause for a random time up to {@code hold}. Every acquisition and release is recorded in the TCK's
 * {@link History} (invoke / ok / fail events with participant ids, monotonic times, fencing tokens
 * and the holders' deadlines), which {@link DemoVerdict} checks. Used by one thread; the workers
 * are its own threads.
 */
final class DemoRun {
    /** What one backend's run observed. */
    record Outcome(String label, URI uri, Set<Capability> declared, int attempts, History history,
                   long elapsedNanos, String skewed) {
    }

    private final String label;
    private final URI uri;
    private final URI skewedUri;
    private final int workers;
    private final int rounds;
    private final Duration hold;
    private final Duration lease;
    private final Duration wait;
    private final String lockName;
    private final History history = new History();
    private final AtomicInteger acquired = new AtomicInteger();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger liveOverlaps = new AtomicInteger();

    /**
     * @param uri       the backend, resolved (no {@code embedded} host)
     * @param skewedUri the URI of worker w0, whose clock is skewed, or null if no worker is skewed
     */
    DemoRun(String label, URI uri, URI skewedUri, int workers, int rounds, Duration hold, Duration lease, Duration wait,
            String lockName) {
        this.label = label;
        this.uri = uri;
        this.skewedUri = skewedUri;
        this.workers = workers;
        this.rounds = rounds;
        this.hold = hold;
        this.lease = lease;
        this.wait = wait;
        this.lockName = lockName;
    }

    /** Opens the clients, runs the workers to the end and closes the clients. */
    Outcome run(Backends backends, Progress progress) throws InterruptedException {
        List<LockClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                clients.add(backends.open(i == 0 && skewedUri != null ? skewedUri : uri));
            }
            Set<Capability> declared = clients.get(clients.size() - 1).capabilities();
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(clients.size());
            int total = clients.size() * rounds;
            progress.start(label, total);
            long started = System.nanoTime();
            for (int i = 0; i < clients.size(); i++) {
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
            if (failure.get() instanceof LockUnavailableException e) {
                throw Backends.unreachable(uri, e);
            } else if (failure.get() != null) {
                throw failure.get();
            }
            return new Outcome(label, uri, declared, total, history, elapsed, skewedUri == null ? null : "w0");
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    private void work(String id, LockClient client) throws InterruptedException {
        if (skewedUri != null && id.equals("w0")) {
            // The skewed worker joins half a hold late, when another worker holds the lock, so that its
            // first attempt meets a live hold rather than, by luck of the start, a free lock.
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
