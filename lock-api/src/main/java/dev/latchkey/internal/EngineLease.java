package dev.latchkey.internal;

import org.jspecify.annotations.Nullable;
import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.spi.Arguments;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The engine's {@link Lease}: a {@link LeaseState} (what is believed, without I/O) joined to the
 * client's {@link Keeper} (threads and driver calls). No monitor is held during a driver call, so a
 * call that hangs blocks only its caller.
 *
 * <p>Each lease has at most one pending timer task, set for the earliest of its next renewal and its
 * loss threshold; when it fires it asks the state what is due, starts a renewal on an I/O thread or
 * reports the loss, and sets the next one.
 *
 * <p>Thread-safe.
 */
final class EngineLease implements Lease {
    private final EngineClient client;
    private final String name;
    private final String token;
    private final long fencingToken;
    final LeaseState state;
    /** Guards {@link #timer} and {@link #timerAt}: scheduling only, never I/O. */
    private final Object timerLock = new Object();
    private @Nullable ScheduledFuture<?> timer;
    private long timerAt;

    EngineLease(EngineClient client, String name, String token, long fencingToken, long deadlineNanos, long leaseMillis) {
        this.client = client;
        this.name = name;
        this.token = token;
        this.fencingToken = fencingToken;
        this.state = new LeaseState(name, deadlineNanos, leaseMillis);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    /** The owner token, for diagnostics and tests. */
    String token() {
        return token;
    }

    @Override
    public Instant deadline() {
        return Instant.now().plusNanos(state.deadline() - client.now());
    }

    @Override
    public Duration remaining() {
        return Duration.ofNanos(state.remaining(client.now()));
    }

    @Override
    public boolean isValid() {
        return state.isValid(client.now());
    }

    @Override
    public void extend(Duration lease) {
        long millis = Arguments.leaseMillis(lease);
        state.beginExtend();
        long sent = client.now();
        boolean extended;
        try {
            extended = client.keeper.uninterruptibly(() -> client.driver.extend(name, token, millis));
        } catch (RuntimeException e) {
            state.extendFailed(false, client.now());
            throw e;
        }
        boolean undo = state.extendAnswered(extended, sent, millis, client.now());
        afterChange(undo);
        LockLostException lost = state.lost();
        if (lost != null) {
            throw lost;
        }
        if (state.phase() != LeaseState.Phase.HELD) {
            throw new IllegalStateException("lock '" + name + "' was released while it was being extended");
        }
    }

    @Override
    public Lease renewAutomatically() {
        if (!client.capabilities().contains(Capability.LEASE_RENEWAL)) {
            throw new UnsupportedOperationException(client.describe() + " does not declare LEASE_RENEWAL");
        }
        client.ensureOpen();
        state.startRenewing(client.now());
        reschedule();
        return this;
    }

    @Override
    public Lease onLost(Consumer<? super LockLostException> listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        LockLostException already = state.addListener(listener, client.now());
        if (already != null) {
            afterChange(false);
            listener.accept(already);
        } else {
            reschedule();
        }
        return this;
    }

    @Override
    public ReleaseOutcome release() {
        ReleaseOutcome answered = state.beginRelease(client.now());
        if (answered != null) {
            return answered;
        }
        cancelTimer();
        // If this call fails its outcome is unknown: the attempt stays counted, so a retry that finds
        // the lock gone answers ALREADY_RELEASED rather than a loss (see LeaseState).
        boolean released = client.keeper.uninterruptibly(() -> client.driver.release(name, token));
        try {
            return state.releaseAnswered(released);
        } finally {
            afterChange(false);
        }
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "Lease[" + name + ", token " + fencingToken + ", " + (isValid() ? "valid" : "invalid") + "]";
    }

    /** Release that reports nothing: for client close and cancelled async grants. */
    void releaseQuietly() {
        try {
            release();
        } catch (RuntimeException ignored) {
            // lost or unreachable: the backend's expiry ends the hold
        }
    }

    /**
     * The client closed after a best-effort release: stop the timer. A hold whose release failed stays
     * as it is (it may exist until its lease runs out), so a later release still says so truthfully.
     */
    void abandon() {
        cancelTimer();
    }

    /** Runs the listeners of a loss, undoes a stale extension, and leaves the live set when done. */
    private void afterChange(boolean undo) {
        if (undo) {
            client.keeper.undoLater(name, token, client.now() + state.leaseMillis() * 1_000_000L);
        }
        LeaseState.Phase phase = state.phase();
        if (phase == LeaseState.Phase.LOST || phase == LeaseState.Phase.RELEASED) {
            cancelTimer();
            client.forget(this);
        }
        List<Consumer<? super LockLostException>> toNotify = state.takeListeners();
        LockLostException lost = state.lost();
        for (Consumer<? super LockLostException> listener : toNotify) {
            try {
                listener.accept(lost);
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    // ---- the timer: decides on the timer thread, calls the driver on an I/O thread ----

    private void reschedule() {
        long wake = state.nextWake();
        synchronized (timerLock) {
            if (wake == Long.MIN_VALUE) {
                return;
            }
            if (timer != null && !timer.isDone() && timerAt - wake <= 0) {
                return; // an earlier firing will reschedule
            }
            if (timer != null) {
                timer.cancel(false);
            }
            timerAt = wake;
            timer = client.keeper.schedule(this::onTimer, wake - client.now());
        }
    }

    private void cancelTimer() {
        synchronized (timerLock) {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    private void onTimer() {
        synchronized (timerLock) {
            timer = null;
        }
        switch (state.due(client.now())) {
            case LOST:
                // listeners are the user's code: never on the timer thread, which every lease shares
                if (!client.keeper.background(() -> afterChange(false))) {
                    afterChange(false);
                }
                return;
            case RENEW:
                if (state.beginRenewal(client.now()) && !client.keeper.background(this::renewOnce)) {
                    state.extendFailed(true, client.now());
                }
                break;
            default:
                break;
        }
        reschedule();
    }

    /** One renewal, on an I/O thread. */
    private void renewOnce() {
        long millis = state.leaseMillis();
        long sent = client.now();
        boolean undo = false;
        try {
            boolean extended = client.driver.extend(name, token, millis);
            undo = state.extendAnswered(extended, sent, millis, client.now());
        } catch (RuntimeException e) {
            state.extendFailed(true, client.now());
        }
        afterChange(undo);
        reschedule();
    }
}
