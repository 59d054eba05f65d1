package dev.latchkey.shedlock;

import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.Locks;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * A ShedLock {@link net.javacrumbs.shedlock.core.LockProvider} over any Latchkey {@link LockClient}:
 * each {@link #lock} is one immediate {@code tryAcquire} (ShedLock never waits) whose lease is
 * {@code lockAtMostFor}, counted from the grant.
 *
 * <pre>{@code
 * @Bean LockProvider lockProvider(LockClient latchkey) { return new LatchkeyLockProvider(latchkey); }
 * }</pre>
 *
 * <ul>
 *   <li><b>lockAtLeastFor:</b> unlocking before {@code lockAtLeastUntil} does not release; it sets
 *       the lease to end at {@code lockAtLeastUntil} (measured on ShedLock's {@code ClockProvider},
 *       like the configuration) and lets it run out there, so no other node runs the task sooner.
 *       Closing the {@link LockClient} releases such holds early: Latchkey releases what a closing
 *       client still holds.</li>
 *   <li><b>Extension:</b> this is an {@link ExtensibleLockProvider}: {@code SimpleLock.extend} (and
 *       so ShedLock's {@code LockExtender} and {@code KeepAliveLockProvider}) extends the lease to the
 *       new {@code lockAtMostFor} from now; it answers empty once the hold is lost.</li>
 *   <li>{@code lockAtMostFor} must be positive and at most {@link Locks#MAX_LEASE}.</li>
 * </ul>
 *
 * <p><b>Thread-safety:</b> the provider is safe for concurrent use; a {@link SimpleLock} it returns is
 * used by one thread at a time, as ShedLock does.
 *
 * <p><b>On lease loss</b> (the task outlived {@code lockAtMostFor}, or the hold was taken over):
 * {@code unlock()} throws Latchkey's {@link LockLostException}, having freed nothing of another
 * holder's; ShedLock's {@code LockingTaskExecutor} lets it propagate to the scheduler, which logs it,
 * because another node may have run the task at the same time. {@code extend} answers empty.
 */
public final class LatchkeyLockProvider implements ExtensibleLockProvider {
    private final LockClient client;

    /**
     * A provider over {@code client}, which stays the caller's to close.
     *
     * @throws IllegalArgumentException if {@code client} is null
     */
    public LatchkeyLockProvider(LockClient client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        this.client = client;
    }

    /**
     * One immediate attempt to take the lock named by the configuration for {@code lockAtMostFor}.
     *
     * @return the lock, or empty if another holder has it
     * @throws IllegalArgumentException if {@code lockConfiguration} is null or its {@code lockAtMostFor}
     *                                  is zero or above {@link Locks#MAX_LEASE}, or the name is invalid
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration lockConfiguration) {
        if (lockConfiguration == null) {
            throw new IllegalArgumentException("lockConfiguration must not be null");
        }
        return client.lock(lockConfiguration.getName())
                .tryAcquire(lockAtMostFor(lockConfiguration))
                .map(lease -> new LeaseLock(lease, lockConfiguration));
    }

    static Duration lockAtMostFor(LockConfiguration configuration) {
        Duration atMost = configuration.getLockAtMostFor();
        if (atMost.isZero() || atMost.isNegative() || atMost.compareTo(Locks.MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lockAtMostFor of lock '" + configuration.getName()
                    + "' must be positive and at most " + Locks.MAX_LEASE + ", was " + atMost);
        }
        return atMost;
    }

    @Override
    public String toString() {
        return "LatchkeyLockProvider[" + client.describe() + "]";
    }
}
