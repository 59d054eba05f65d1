package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression (found by Redisson's and redsync's suites translated to Latchkey): a participant that
 * crashed while waiting still received the lock when the holder released, and kept it for its whole
 * lease, so the next waiter timed out. {@link InMemorySpace#crash} promises that the crashed
 * participant's calls fail as if its process were gone; that includes the one that is waiting.
 */
class CrashedWaiterTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aWaiterThatCrashesIsNeverGrantedTheLock(boolean fair) throws Exception {
        InMemorySpace space = InMemorySpace.create();
        Duration lease = Duration.ofSeconds(30);
        try (LockClient holder = space.client(lease, fair);
             LockClient doomed = space.client(lease, fair);
             LockClient next = space.client(lease, fair)) {
            Lease held = holder.lock("x").acquire(lease);
            CompletableFuture<Optional<Lease>> crashedWait = CompletableFuture.supplyAsync(() -> {
                try {
                    return doomed.lock("x").tryAcquire(Duration.ofSeconds(60), lease);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Timing.awaitWaiters(holder, "x", 1);
            InMemorySpace.crash(doomed);
            try {
                Optional<Lease> got = crashedWait.get(Timing.scaledMillis(5_000), TimeUnit.MILLISECONDS);
                throw new AssertionError("the crashed participant's wait returned " + got);
            } catch (ExecutionException e) {
                assertTrue(e.getCause() instanceof LockUnavailableException, "expected the crash to surface: " + e.getCause());
            }
            held.release();
            assertNull(holder.inspect("x").orElseThrow().holder(), "the crashed waiter was granted the lock");
            assertEquals(0, holder.inspect("x").orElseThrow().waiters());
            Lease after = next.lock("x").tryAcquire(Duration.ofSeconds(1), lease).orElseThrow(
                    () -> new AssertionError("the next waiter could not acquire after the release"));
            assertTrue(after.fencingToken() > held.fencingToken());
        }
    }
}
