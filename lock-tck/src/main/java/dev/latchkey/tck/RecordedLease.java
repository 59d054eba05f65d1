package dev.latchkey.tck;

import dev.latchkey.Lease;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;

/**
 * A {@link Lease} whose extensions and releases are recorded in a {@link History}.
 *
 * <p>Thread-safe, like the lease it wraps. On lease loss the wrapped lease's exceptions pass through,
 * after being recorded as failures.
 */
public final class RecordedLease {
    private final History history;
    private final String process;
    private final Lease lease;
    private final long hold;
    private final long acquiredAt;
    private volatile long deadline;

    RecordedLease(History history, String process, Lease lease, long hold, long acquiredAt, long deadline) {
        this.history = history;
        this.process = process;
        this.lease = lease;
        this.hold = hold;
        this.acquiredAt = acquiredAt;
        this.deadline = deadline;
    }

    /** The lease itself, for operations that need not be recorded. */
    public Lease lease() {
        return lease;
    }

    /** The participant holding it. */
    public String process() {
        return process;
    }

    /** The lease's fencing token. */
    public long token() {
        return lease.fencingToken();
    }

    /** When the acquisition was recorded as successful, in the history's time base. */
    public long acquiredAt() {
        return acquiredAt;
    }

    /** The latest local deadline recorded, in the history's time base. */
    public long deadline() {
        return deadline;
    }

    /** {@link Lease#extend(Duration)}, recorded. */
    public void extend(Duration by) {
        history.record(Event.Type.INVOKE, Event.Op.EXTEND, process, lease.name(), hold, token(), 0, "by=" + by.toMillis() + "ms");
        try {
            lease.extend(by);
        } catch (RuntimeException e) {
            history.record(Event.Type.FAIL, Event.Op.EXTEND, process, lease.name(), hold, token(), 0, e.toString());
            throw e;
        }
        deadline = history.believedUntil(lease, deadline);
        history.record(Event.Type.OK, Event.Op.EXTEND, process, lease.name(), hold, token(), deadline, "");
    }

    /**
     * {@link Lease#release()}, recorded. The invocation carries the holder's belief at that moment:
     * the hold lasted until now if the lease is still valid, else until its last known deadline.
     */
    public ReleaseOutcome release() {
        deadline = history.believedUntil(lease, deadline);
        history.record(Event.Type.INVOKE, Event.Op.RELEASE, process, lease.name(), hold, token(), deadline, "");
        ReleaseOutcome outcome;
        try {
            outcome = lease.release();
        } catch (RuntimeException e) {
            history.record(Event.Type.FAIL, Event.Op.RELEASE, process, lease.name(), hold, token(), 0, e.toString());
            throw e;
        }
        history.record(Event.Type.OK, Event.Op.RELEASE, process, lease.name(), hold, token(), 0, outcome.name());
        return outcome;
    }

    @Override
    public String toString() {
        return process + " " + lease;
    }
}
