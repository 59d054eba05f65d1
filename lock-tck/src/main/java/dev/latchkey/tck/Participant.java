package dev.latchkey.tck;

import dev.latchkey.DistributedLock;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import java.time.Duration;
import java.util.Optional;

/**
 * One participant of a rule: a client plus a name in the history. {@link #as} gives the same client
 * under another name, for a second thread. Thread-safe, as its client is.
 */
final class Participant {
    final Ctx ctx;
    final String id;
    final LockClient client;

    Participant(Ctx ctx, String id, LockClient client) {
        this.ctx = ctx;
        this.id = id;
        this.client = client;
    }

    /** The same client, recorded under another name (another thread of the same participant). */
    Participant as(String otherId) {
        return new Participant(ctx, otherId, client);
    }

    /** The rule's lock. */
    DistributedLock lock() {
        return client.lock(ctx.name(""));
    }

    /** Tries the rule's lock, recorded. */
    Optional<RecordedLease> tryAcquire(Duration wait, Duration lease) throws InterruptedException {
        return ctx.history.tryAcquire(id, lock(), wait, lease);
    }

    /** Tries another lock, {@code <rule's lock>:<suffix>}, recorded. */
    Optional<RecordedLease> tryAcquire(String suffix, Duration wait, Duration lease) throws InterruptedException {
        return ctx.history.tryAcquire(id, client.lock(ctx.name(suffix)), wait, lease);
    }

    /** Acquires the rule's lock, which must become free within {@link Ctx#PATIENCE}. */
    RecordedLease acquire(Duration lease) throws InterruptedException {
        return tryAcquire(Ctx.PATIENCE, lease).orElseThrow(() -> new AssertionError(
                id + " could not acquire '" + ctx.lock + "' within " + Ctx.ms(Ctx.PATIENCE) + " ms" + ctx.historyTail()));
    }

    /**
     * Tries the rule's lock for up to {@code budget}, in attempts of at most {@link Ctx#SHORT}, riding out
     * {@link LockUnavailableException} while the backend is unreachable (fault rules).
     */
    Optional<RecordedLease> tryAcquireRetrying(Duration budget, Duration lease) throws InterruptedException {
        long end = System.nanoTime() + budget.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                Optional<RecordedLease> got = tryAcquire(Duration.ofNanos(Math.min(left, Ctx.SHORT.toNanos())), lease);
                if (got.isPresent()) {
                    return got;
                }
            } catch (LockUnavailableException e) {
                Thread.sleep(Math.max(1, Ctx.SHORT.toMillis() / 2));
            }
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
