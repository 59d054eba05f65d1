package dev.latchkey.tck;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A recorded history of lock operations by several participants, for {@link HistoryChecker}.
 * Events carry monotonic timestamps, participant ids, lock names and fencing tokens. Record
 * acquisitions with {@link #tryAcquire}, and releases and extensions through the returned
 * {@link RecordedLease}; use {@link #note} for anything else worth showing in a failure.
 *
 * <p>Thread-safe: participants record concurrently; {@link #events()} returns a snapshot.
 */
public final class History {
    private final long origin = System.nanoTime();
    private final List<Event> events = new ArrayList<>();
    private long holds;

    /**
     * Tries to acquire {@code lock} for {@code process}, recording the invocation and its outcome.
     *
     * @return the recorded lease, or empty if the wait elapsed
     * @throws InterruptedException as {@link DistributedLock#tryAcquire(Duration, Duration)}, recorded as a failure
     */
    public Optional<RecordedLease> tryAcquire(String process, DistributedLock lock, Duration wait, Duration lease)
            throws InterruptedException {
        long hold = newHold();
        record(Event.Type.INVOKE, Event.Op.ACQUIRE, process, lock.name(), hold, 0, 0,
                "wait=" + wait.toMillis() + "ms lease=" + lease.toMillis() + "ms");
        Optional<Lease> granted;
        try {
            granted = lock.tryAcquire(wait, lease);
        } catch (InterruptedException | RuntimeException e) {
            record(Event.Type.FAIL, Event.Op.ACQUIRE, process, lock.name(), hold, 0, 0, e.toString());
            throw e;
        }
        if (granted.isEmpty()) {
            record(Event.Type.FAIL, Event.Op.ACQUIRE, process, lock.name(), hold, 0, 0, "timed out");
            return Optional.empty();
        }
        return Optional.of(granted(process, granted.get(), hold));
    }

    /** Records a lease acquired by other means (async, a {@code Lock} view, another process) as an invocation and success. */
    public RecordedLease acquired(String process, Lease lease, long invokedAtNanos) {
        long hold = newHold();
        synchronized (this) {
            events.add(new Event(events.size(), invokedAtNanos - origin, Event.Type.INVOKE, Event.Op.ACQUIRE,
                    process, lease.name(), hold, 0, 0, "recorded after the fact"));
        }
        return granted(process, lease, hold);
    }

    /** Records a note (an INFO event) about a participant, e.g. a pause or a crash. */
    public void note(String process, String lock, String note) {
        record(Event.Type.INFO, Event.Op.NOTE, process, lock, 0, 0, 0, note);
    }

    /** A snapshot of the events so far, in the order recorded. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The current time in this history's time base. */
    public long now() {
        return System.nanoTime() - origin;
    }

    Event record(Event.Type type, Event.Op op, String process, String lock, long hold, long token, long deadline, String note) {
        synchronized (this) {
            Event e = new Event(events.size(), now(), type, op, process, lock, hold, token, deadline, note);
            events.add(e);
            return e;
        }
    }

    /**
     * Until when the holder may believe it holds {@code lease}, in this history's time base: a
     * conservative reading of its remaining time if it is still valid, else {@code previous}.
     */
    long believedUntil(Lease lease, long previous) {
        long before = now();
        long remaining = lease.remaining().toNanos();
        return remaining > 0 ? Math.max(previous, before + remaining) : previous;
    }

    private RecordedLease granted(String process, Lease lease, long hold) {
        long deadline = believedUntil(lease, now());
        Event ok = record(Event.Type.OK, Event.Op.ACQUIRE, process, lease.name(), hold, lease.fencingToken(), deadline, "");
        return new RecordedLease(this, process, lease, hold, ok.nanos(), deadline);
    }

    private synchronized long newHold() {
        return ++holds;
    }
}
