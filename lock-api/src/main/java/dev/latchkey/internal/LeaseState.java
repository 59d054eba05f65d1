package dev.latchkey.internal;

import org.jspecify.annotations.Nullable;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The life of one lease, with no I/O and no threads: what the engine believes about a hold, and
 * what it should do next. Every method takes the time from its caller (a {@link dev.latchkey.spi.Ticker}
 * reading), so the whole machine is tested with numbers alone.
 *
 * <p>Design note. Phases move HELD → RELEASING → RELEASED, or HELD | RELEASING → LOST, and never
 * back. The local deadline is measured from the moment the granting (or extending) request was
 * sent, so it is never later than the server's own expiry: the "validity time" of the Redis
 * distributed-lock page, minus network delay. As Kleppmann ("How to do distributed locking", 2016)
 * notes, a holder that pauses after checking {@link #isValid} can still outlive its lease; fencing
 * tokens are the remedy, and this class only promises that the engine never claims more than it
 * knows. Four rules keep it honest:
 * <ul>
 *   <li><b>A success that arrives too late is a loss.</b> An extension (or renewal) confirmed after
 *       its own new deadline is reported lost and undone, never applied.</li>
 *   <li><b>One extension at a time.</b> At most one extend or renewal call is in flight per lease,
 *       so the local deadline always follows the call the server applied last.</li>
 *   <li><b>Renewal stops at the first release attempt</b>, even one that fails, so a watchdog never
 *       keeps alive a hold its owner asked to give up.</li>
 *   <li><b>A release in doubt is remembered.</b> When an attempt's outcome is unknown (a lost reply,
 *       a cut connection, a concurrent attempt still in flight), a later "not the holder" answer is
 *       that attempt's success if it left before the deadline: ALREADY_RELEASED, not a loss.</li>
 * </ul>
 * While renewing (or watched by listeners), the hold counts as lost a little before its deadline
 * (a tenth of the lease, at most 200 ms), so that a holder whose renewal hangs hears of it before
 * anyone else can be granted the lock.
 *
 * <p>Thread-safe: every transition runs under this object's monitor, which is never held during I/O
 * or while listeners run; {@link #isValid} and {@link #remaining} read volatile fields and never wait.
 */
final class LeaseState {
    enum Phase { HELD, RELEASING, RELEASED, LOST }

    /** What the lease's timer should do when it fires. */
    enum Due { NOTHING, RENEW, LOST }

    private final String name;
    private volatile Phase phase = Phase.HELD;
    private volatile long deadline;
    private long leaseMillis;
    private boolean renewing;
    /** An extend or renewal call is in flight. */
    private boolean extending;
    /** When the next renewal is due (ticker nanos); meaningful while renewing. */
    private long renewAt;
    private int releaseAttempts;
    private long firstReleaseSent;
    private @Nullable LockLostException lost;
    private final List<Consumer<? super LockLostException>> listeners = new ArrayList<>();

    LeaseState(String name, long deadline, long leaseMillis) {
        this.name = name;
        this.deadline = deadline;
        this.leaseMillis = leaseMillis;
    }

    // ---- reads: no lock, no waiting ----

    boolean isValid(long now) {
        return phase == Phase.HELD && now - deadline < 0;
    }

    long remaining(long now) {
        return phase == Phase.HELD ? Math.max(0, deadline - now) : 0;
    }

    long deadline() {
        return deadline;
    }

    Phase phase() {
        return phase;
    }

    synchronized long leaseMillis() {
        return leaseMillis;
    }

    synchronized boolean isRenewing() {
        return renewing;
    }

    /** Held in our books, past its deadline, with nobody (renewal, listener, a release in doubt) looking after it. */
    synchronized boolean isAbandoned(long now) {
        return phase == Phase.HELD && !renewing && listeners.isEmpty() && now - deadline >= 0;
    }

    // ---- release ----

    /**
     * Starts a release attempt sent at {@code now}: null if it should go to the backend, or the answer
     * without one (already released). An attempt whose call then fails stays counted: its outcome is
     * unknown, so it may have freed the lock.
     *
     * @throws LockLostException if the hold was lost before
     */
    synchronized @Nullable ReleaseOutcome beginRelease(long now) {
        switch (phase) {
            case RELEASED:
                return ReleaseOutcome.ALREADY_RELEASED;
            case LOST:
                throw lostException();
            case HELD:
                phase = Phase.RELEASING;
                renewing = false;
                firstReleaseSent = now;
                break;
            default:
                break;
        }
        releaseAttempts++;
        return null;
    }

    /**
     * The backend answered a release attempt.
     *
     * @throws LockLostException if the hold had ended before any attempt could have freed it
     */
    synchronized ReleaseOutcome releaseAnswered(boolean released) {
        if (phase == Phase.RELEASED) {
            return released ? ReleaseOutcome.RELEASED : ReleaseOutcome.ALREADY_RELEASED;
        }
        if (phase == Phase.LOST) {
            throw lostException();
        }
        if (released) {
            phase = Phase.RELEASED;
            return ReleaseOutcome.RELEASED;
        }
        // "Not the holder": another attempt of ours (in doubt, or in flight) may have freed it, if it left in time.
        if (releaseAttempts > 1 && firstReleaseSent - deadline < 0) {
            phase = Phase.RELEASED;
            return ReleaseOutcome.ALREADY_RELEASED;
        }
        markLost("it expired or was taken over before release; nothing was freed", null);
        throw lostException();
    }

    // ---- extend and renewal ----

    /**
     * Starts a caller's extension: waits while a renewal call is in flight (so that one call at a time
     * moves the deadline), then claims the slot.
     *
     * @throws IllegalStateException if the lease was released or is being released
     * @throws LockLostException     if the hold was lost
     */
    synchronized void beginExtend() {
        boolean interrupted = false;
        try {
            while (true) {
                checkHeld("extend");
                if (!extending) {
                    extending = true;
                    return;
                }
                try {
                    wait();
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

    /** Whether a renewal call should start now: renewing, held, due, and no other extension in flight. */
    synchronized boolean beginRenewal(long now) {
        if (phase != Phase.HELD || !renewing || extending || now - renewAt < 0) {
            return false;
        }
        extending = true;
        return true;
    }

    /** An extend or renewal call failed with its outcome unknown; {@code renewal}: retry soon if time allows. */
    synchronized void extendFailed(boolean renewal, long now) {
        extending = false;
        notifyAll();
        if (renewal && phase == Phase.HELD) {
            renewAt = now + Math.max(1, renewalPeriodMillis() / 2) * 1_000_000L;
        }
    }

    /**
     * The backend answered an extend or renewal sent at {@code sent} for {@code millis}.
     *
     * @return whether the engine must undo the extension: it succeeded on the server after the lease
     *         was given up locally (lost, or confirmed too late), so a stale hold must not linger
     */
    synchronized boolean extendAnswered(boolean extended, long sent, long millis, long now) {
        extending = false;
        notifyAll();
        if (phase != Phase.HELD) {
            return extended && phase == Phase.LOST;
        }
        if (!extended) {
            markLost(renewing ? "renewal found it expired or taken over" : "it expired or was taken over before extend", null);
            return false;
        }
        long newDeadline = sent + millis * 1_000_000L;
        if (now - newDeadline >= 0) {
            markLost("the extension was confirmed " + (now - sent) / 1_000_000L + " ms after it was sent, past its own new deadline", null);
            return true;
        }
        deadline = newDeadline;
        leaseMillis = millis;
        renewAt = sent + renewalPeriodMillis() * 1_000_000L;
        return false;
    }

    /** Turns automatic renewal on; the first renewal is due when a third of the lease has passed. */
    synchronized void startRenewing(long now) {
        checkHeld("renew");
        if (!renewing) {
            renewing = true;
            long due = deadline - 2 * renewalPeriodMillis() * 1_000_000L;
            renewAt = due - now > 0 ? due : now;
        }
    }

    // ---- the timer ----

    /**
     * What is due at {@code now}: a renewal to start, a loss to declare (the deadline, or while
     * renewing the loss threshold before it, has passed), or nothing.
     */
    synchronized Due due(long now) {
        if (phase != Phase.HELD) {
            return Due.NOTHING;
        }
        if (isWatched() && now - lossThreshold() >= 0) {
            markLost(renewing ? "renewal did not confirm it before its deadline"
                    : "its lease of " + leaseMillis + " ms ran out before release", null);
            return Due.LOST;
        }
        if (renewing && !extending && now - renewAt >= 0) {
            return Due.RENEW;
        }
        return Due.NOTHING;
    }

    /** When the timer should fire next (ticker nanos), or {@link Long#MIN_VALUE} if nothing is pending. */
    synchronized long nextWake() {
        if (phase != Phase.HELD || !isWatched()) {
            return Long.MIN_VALUE;
        }
        long wake = lossThreshold();
        if (renewing && !extending && renewAt - wake < 0) {
            wake = renewAt;
        }
        return wake;
    }

    // ---- loss ----

    /**
     * Registers a listener. Returns the loss to report at once (on the caller's thread) if it is
     * already known, or if the deadline has passed while nothing could have renewed the hold.
     */
    synchronized @Nullable LockLostException addListener(Consumer<? super LockLostException> listener, long now) {
        if (phase == Phase.HELD && !renewing && now - deadline >= 0) {
            markLost("its lease of " + leaseMillis + " ms ran out before release", null);
        }
        if (lost != null) {
            return lost;
        }
        if (phase == Phase.HELD || phase == Phase.RELEASING) {
            listeners.add(listener);
        }
        return null;
    }

    /** Takes the listeners to notify of a loss; they run outside the monitor. */
    synchronized List<Consumer<? super LockLostException>> takeListeners() {
        if (phase != Phase.LOST || listeners.isEmpty()) {
            return List.of();
        }
        List<Consumer<? super LockLostException>> out = List.copyOf(listeners);
        listeners.clear();
        return out;
    }

    synchronized @Nullable LockLostException lost() {
        return lost;
    }

    private void markLost(String reason, @Nullable Throwable cause) {
        if (phase == Phase.HELD || phase == Phase.RELEASING) {
            phase = Phase.LOST;
            renewing = false;
            lost = new LockLostException(name, reason, cause);
            notifyAll();
        }
    }

    private void checkHeld(String action) {
        if (phase == Phase.LOST) {
            throw lostException();
        }
        if (phase != Phase.HELD) {
            throw new IllegalStateException("cannot " + action + " lock '" + name + "': this lease was released");
        }
    }

    private LockLostException lostException() {
        LockLostException e = lost;
        if (e == null) {
            throw new IllegalStateException("lock '" + name + "' is " + phase + ", not lost");
        }
        return e;
    }

    private boolean isWatched() {
        return renewing || !listeners.isEmpty();
    }

    private long renewalPeriodMillis() {
        return Math.max(1, leaseMillis / 3);
    }

    private long lossThreshold() {
        if (!renewing) {
            return deadline;
        }
        return deadline - Math.max(1, Math.min(leaseMillis / 10, 200)) * 1_000_000L;
    }
}
