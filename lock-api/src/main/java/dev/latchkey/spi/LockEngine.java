package dev.latchkey.spi;

import dev.latchkey.LockClient;
import dev.latchkey.internal.EngineClient;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a complete {@link LockClient} on a {@link LockDriver}: argument checks, per-acquisition
 * owner tokens, lease bookkeeping with conservative local deadlines, blocking, timed and async
 * acquisition, lease renewal, loss listeners, idempotent release and the reentrant
 * {@link java.util.concurrent.locks.Lock} view. Backends implement only the driver.
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
        Objects.requireNonNull(driver, "driver");
        return new EngineClient(driver, Arguments.leaseMillis(defaultLease));
    }
}
