package dev.latchkey.shedlock;

import dev.latchkey.Lease;
import dev.latchkey.LockLostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * A ShedLock lock backed by one Latchkey lease. {@link AbstractSimpleLock} makes it single-use: after
 * an unlock or an extend it throws {@link IllegalStateException}. Used by one thread at a time.
 */
final class LeaseLock extends AbstractSimpleLock {
    private final Lease lease;

    LeaseLock(Lease lease, LockConfiguration configuration) {
        super(configuration);
        this.lease = lease;
    }

    @Override
    protected void doUnlock() {
        Instant leastUntil = lockConfiguration.getLockAtLeastUntil();
        Duration rest = Duration.between(ClockProvider.now(), leastUntil);
        if (rest.toMillis() < 1) {
            lease.release();
            return;
        }
        try {
            lease.extend(rest); // end at lockAtLeastUntil, by itself
        } catch (LockLostException e) {
            // A very short rest can be confirmed only after its own end, which counts as lost; the hold
            // then lasted until lockAtLeastUntil as asked. Anything earlier is a real loss.
            if (ClockProvider.now().isBefore(leastUntil)) {
                throw e;
            }
        }
    }

    @Override
    protected Optional<SimpleLock> doExtend(LockConfiguration newConfiguration) {
        try {
            lease.extend(LatchkeyLockProvider.lockAtMostFor(newConfiguration));
        } catch (LockLostException e) {
            return Optional.empty();
        }
        return Optional.of(new LeaseLock(lease, newConfiguration));
    }

    @Override
    public String toString() {
        return "LeaseLock[" + lease + "]";
    }
}
