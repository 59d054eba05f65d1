package dev.latchkey.spi;

import dev.latchkey.LockClient;
import dev.latchkey.internal.EngineClient;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a complete {@link LockClient} on a {@link LockDriver}: argument checks, per-acquisition
 * owner tokens, lease bookkeeping with conservative local deadlines, blocking, timed and async
 * acquisition, lease renewal, loss listeners, idempotent release, the reentrant
 * {@link dev.latchkey.LockView}, and the undo of every acquisition whose outcome is in doubt (a
 * failed, interrupted, cancelled or late grant). Backends implement only the driver, and a driver
 * never undoes anything itself: it reports what happened and the engine decides.
 * Stateless and thread-safe.
 */
public final class LockEngine {
    private LockEngine() {
    }

    /**
     * A client over {@code driver}. The client owns the driver and closes it.
     *
     * @param defaultLease the lease used where the caller gives none
     */
    public static LockClient client(LockDriver driver, Duration defaultLease) {
        return client(driver, defaultLease, LockEnvironment.SYSTEM);
    }

    /**
     * A client over {@code driver} in {@code env}: leases are measured with {@code env.ticker()} (the
     * driver must report {@link Grant#sentNanos()} on that ticker), and the engine calls
     * {@code env.decorate(driver)}. The client owns the driver and closes it.
     *
     * @param defaultLease the lease used where the caller gives none
     */
    public static LockClient client(LockDriver driver, Duration defaultLease, LockEnvironment env) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(env, "env");
        return new EngineClient(env.decorate(driver), Arguments.leaseMillis(defaultLease), env.ticker());
    }
}
