package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's {@link Lease}.
 *
 * <p>Design note. State moves HELD → RELEASED or HELD → LOST, once, under this object's monitor;
 * release, extend and each renewal run under it too, so renewal stops atomically with release and
 * can never extend a released hold. The local deadline is measured from the moment the granting
 * (or extending) request was sent, so it is never later than the backend's own expiry (the
 * "validity time" of the Redis distributed-lock page, minus network delay); a client that trusts
 * {@link #isValid()} is therefore conservative, though, as Kleppmann notes, a process pause after
 * the check can still outlive the lease: fencing tokens are the remedy. A release whose reply was
 * lost is remembered, so its retry answers ALREADY_RELEASED rather than "not the owner".
 *
 * <p>Thread-safe.
 */
final class EngineLease implements Lease {
    private enum State { HELD, RELEASED, LOST }

    private final EngineClient client;
    private final String name;
    private final String token;
    private final long fencingToken;
    private final List<Consumer<? super LockLostException>> listeners = new ArrayList<>();

    /** Written under the monitor; volatile so that isValid and remaining never wait for a call in flight. */
    private volatile State state = State.HELD;
    private volatile long deadlineNanos;
    private long leaseMillis;
    private LockLostException lost;
    /** Whether a release attempt failed with its outcome unknown (its retry may find the lock already freed). */
    private volatile boolean releaseInDoubt;
    /** The ticker reading when the first such attempt was sent (any value, 0 included, is a valid reading). */
    private long releaseInDoubtSentNanos;
    private volatile ScheduledFuture<?> renewal;
    private volatile ScheduledFuture<?> expiryWatch;
    /** Whether a renewal call is in flight. */
    private boolean renewing;

    EngineLease(EngineClient client, String name, String token, long fencingToken, long deadlineNanos, long leaseMillis) {
        this.client = client;
        this.name = name;
        this.token = token;
        this.fencingToken = fencingToken;
        this.deadlineNanos = deadlineNanos;
        this.leaseMillis = leaseMillis;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    /** The owner token, for diagnostics. */
    String token() {
        return token;
    }

    @Override
    public Instant deadline() {
        return Instant.now().plusNanos(deadlineNanos - client.now());
    }

    @Override
    public Duration remaining() {
        if (state != State.HELD) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, deadlineNanos - client.now()));
    }

    /** Held in our books, past its deadline, not renewing and unwatched: nobody will release it. */
    boolean abandonedBy(long now) {
        return state == State.HELD && renewal == null && expiryWatch == null && !releaseInDoubt && now - deadlineNanos >= 0;
    }

    @Override
    public boolean isValid() {
        if (state != State.HELD) {
            return false;
        }
        return client.now() - deadlineNanos < 0;
    }

    @Override
    public void extend(Duration lease) {
        long millis = Arguments.leaseMillis(lease);
        List<Consumer<? super LockLostException>> toNotify;
        synchronized (this) {
            checkHeld("extend");
            long sent = client.now();
            if (client.driver.extend(name, token, millis)) {
                deadlineNanos = sent + millis * 1_000_000L;
                leaseMillis = millis;
                return;
            }
            toNotify = markLost("it expired or was taken over before extend", null);
        }
        notifyLost(toNotify);
        throw lost;
    }

    @Override
    public Lease renewAutomatically() {
        if (!client.capabilities().contains(Capability.LEASE_RENEWAL)) {
            throw new UnsupportedOperationException(client.describe() + " does not declare LEASE_RENEWAL");
        }
        synchronized (this) {
            checkHeld("renew");
            client.ensureOpen();
            if (releaseInDoubt) {
                throw new IllegalStateException("cannot renew lock '" + name + "': a release of this lease is in doubt; retry release()");
            }
            if (renewal == null) {
                long period = Math.max(1, leaseMillis / 3);
                renewal = client.scheduler().scheduleWithFixedDelay(this::renewTick, period, period, TimeUnit.MILLISECONDS);
                if (expiryWatch != null) {
                    expiryWatch.cancel(false);
                    expiryWatch = null;
                }
                watchExpiry();
            }
        }
        return this;
    }

    @Override
    public Lease onLost(Consumer<? super LockLostException> listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        LockLostException already;
        List<Consumer<? super LockLostException>> toNotify = List.of();
        synchronized (this) {
            if (state == State.HELD && renewal == null && !releaseInDoubt && client.now() - deadlineNanos >= 0) {
                // The deadline has passed (and no renewal decides otherwise): the loss is known now,
                // so report it at once on this thread rather than through a watch firing later.
                toNotify = expiredLoss();
            }
            already = lost;
            if (already == null && state == State.HELD) {
                listeners.add(listener);
                watchExpiry();
            }
        }
        notifyLost(toNotify);
        if (already != null) {
            listener.accept(already);
        }
        return this;
    }

    @Override
    public ReleaseOutcome release() {
        List<Consumer<? super LockLostException>> toNotify;
        synchronized (this) {
            if (state == State.RELEASED) {
                return ReleaseOutcome.ALREADY_RELEASED;
            }
            if (state == State.LOST) {
                throw lost;
            }
            // Renewal ends with the first release attempt, even one that fails: a watchdog must never
            // keep alive a hold its owner has asked to give up.
            stopTimers();
            long sent = client.now();
            boolean released;
            try {
                released = client.driver.release(name, token);
            } catch (RuntimeException e) {
                if (!releaseInDoubt) {
                    releaseInDoubt = true;
                    releaseInDoubtSentNanos = sent;
                }
                throw e;
            }
            // A 'not the holder' answer to a retry is our own earlier release, if that one left before the deadline.
            boolean earlierAttemptWon = !released && releaseInDoubt && releaseInDoubtSentNanos - deadlineNanos < 0;
            if (released || earlierAttemptWon) {
                state = State.RELEASED;
                stopTimers();
                client.live.remove(this);
                return released ? ReleaseOutcome.RELEASED : ReleaseOutcome.ALREADY_RELEASED;
            }
            toNotify = markLost("it expired or was taken over before release; nothing was freed", null);
        }
        notifyLost(toNotify);
        throw lost;
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

    static void releaseQuietly(LockDriver driver, String name, String token) {
        try {
            driver.release(name, token);
        } catch (RuntimeException ignored) {
            // unreachable: the backend's expiry ends the hold
        }
    }

    /** Scheduler tick: starts one renewal on the client's pool unless one is still in flight. */
    private void renewTick() {
        synchronized (this) {
            if (state != State.HELD || releaseInDoubt || client.isClosed()) {
                stopTimers();
                return;
            }
            if (renewing) {
                return; // the previous call hangs (a partition?): the expiry watch reports the loss in time
            }
            renewing = true;
        }
        try {
            client.async().execute(this::renewOnce);
        } catch (RejectedExecutionException closedMeanwhile) {
            synchronized (this) {
                renewing = false;
            }
        }
    }

    /**
     * One renewal. The call runs outside the monitor so that a hung connection never blocks
     * release or the expiry watch; an extend that lands after a release is harmless because the
     * driver checks the owner token.
     */
    private void renewOnce() {
        long sent = client.now();
        Boolean extended = null;
        RuntimeException failure = null;
        try {
            extended = client.driver.extend(name, token, leaseMillis);
        } catch (RuntimeException e) {
            failure = e;
        }
        List<Consumer<? super LockLostException>> toNotify = List.of();
        boolean undo = false;
        synchronized (this) {
            renewing = false;
            if (state != State.HELD) {
                undo = Boolean.TRUE.equals(extended) && state == State.LOST; // we gave it up meanwhile
            } else if (Boolean.TRUE.equals(extended)) {
                deadlineNanos = sent + leaseMillis * 1_000_000L;
            } else if (extended != null) {
                toNotify = markLost("renewal found it expired or taken over", null);
            } else if (client.now() + renewalPeriodNanos() - lossThreshold() >= 0) {
                toNotify = markLost("renewal failed and the lease runs out before the next attempt", failure);
            }
        }
        if (undo) {
            releaseQuietly(client.driver, name, token);
        }
        notifyLost(toNotify);
    }

    private long renewalPeriodNanos() {
        return Math.max(1, leaseMillis / 3) * 1_000_000L;
    }

    /**
     * When the lease counts as lost: its deadline, or, while renewing, a little before it (a tenth
     * of the lease, at most 200 ms), so that a holder whose renewal hangs hears of the loss before
     * anyone else can be granted the lock.
     */
    private long lossThreshold() {
        if (renewal == null) {
            return deadlineNanos;
        }
        return deadlineNanos - Math.max(1, Math.min(leaseMillis / 10, 200)) * 1_000_000L;
    }

    private void watchExpiry() {
        if (expiryWatch == null && !releaseInDoubt && !client.isClosed()) {
            long delay = Math.max(0, lossThreshold() - client.now());
            try {
                expiryWatch = client.scheduler().schedule(this::checkExpiry, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closedMeanwhile) {
                // the client closed: nothing watches its leases any more
            }
        }
    }

    private void checkExpiry() {
        List<Consumer<? super LockLostException>> toNotify = List.of();
        synchronized (this) {
            expiryWatch = null;
            if (state != State.HELD || releaseInDoubt) {
                return;
            }
            if (client.now() - lossThreshold() >= 0) {
                toNotify = expiredLoss();
            } else if (!client.isClosed()) {
                watchExpiry();
            }
        }
        notifyLost(toNotify);
    }

    private List<Consumer<? super LockLostException>> expiredLoss() {
        return markLost(renewal != null ? "renewal did not confirm it before its deadline"
                : "its lease of " + leaseMillis + " ms ran out before release", null);
    }

    private void checkHeld(String action) {
        if (state == State.RELEASED) {
            throw new IllegalStateException("cannot " + action + " lock '" + name + "': this lease was released");
        }
        if (state == State.LOST) {
            throw lost;
        }
    }

    /** Moves to LOST (caller holds the monitor) and returns the listeners to notify outside it. */
    private List<Consumer<? super LockLostException>> markLost(String reason, Throwable cause) {
        if (state != State.HELD) {
            return List.of();
        }
        state = State.LOST;
        lost = new LockLostException(name, reason, cause);
        stopTimers();
        client.live.remove(this);
        List<Consumer<? super LockLostException>> out = List.copyOf(listeners);
        listeners.clear();
        return out;
    }

    private void notifyLost(List<Consumer<? super LockLostException>> toNotify) {
        for (Consumer<? super LockLostException> listener : toNotify) {
            try {
                listener.accept(lost);
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    private void stopTimers() {
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
        if (expiryWatch != null) {
            expiryWatch.cancel(false);
            expiryWatch = null;
        }
    }
}
