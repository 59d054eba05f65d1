package dev.latchkey.inmemory;

import static dev.latchkey.inmemory.Timing.awaitWaiters;
import static dev.latchkey.inmemory.Timing.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Regressions for the table's wake-ups. A waiter sleeps at most until the current hold's expiry;
 * when the hold changes hands to a shorter one without a release (the new holder then dies), the
 * next waiter must have been re-armed, or it sleeps through the expiry until its own old timer.
 */
class LockTableWakeUpTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final InMemorySpace space = InMemorySpace.create();
    private final List<LockClient> clients = new ArrayList<>();

    private LockClient client(boolean fair) {
        LockClient c = space.client(LONG, fair);
        clients.add(c);
        return c;
    }

    @AfterEach
    void close() {
        clients.forEach(LockClient::close);
    }

    private static CompletableFuture<Lease> acquireAsync(LockClient c, String name, Duration wait, Duration lease) {
        CompletableFuture<Lease> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(c.lock(name).acquire(wait, lease));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return f;
    }

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {true, false})
    void theNextWaiterIsReArmedWhenTheWaiterAheadTakesAShortHoldAndDies(boolean fair) throws Exception {
        String name = "rearm-" + fair;
        LockClient holder = client(fair);
        Lease held = holder.lock(name).acquire(LONG);
        // x will take a 300 ms hold and never release it (a crash); a queued behind x, armed against the 30 s hold.
        CompletableFuture<Lease> x = acquireAsync(client(fair), name, LONG, Duration.ofMillis(300));
        awaitWaiters(holder, name, 1);
        CompletableFuture<Lease> a = acquireAsync(client(fair), name, Duration.ofSeconds(10), LONG);
        awaitWaiters(holder, name, 2);

        held.release();
        Lease crashed = x.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
        long grantedToX = System.nanoTime();
        Lease next = a.get(scaledMillis(12_000), TimeUnit.MILLISECONDS);
        long after = (System.nanoTime() - grantedToX) / 1_000_000;
        assertTrue(after < 300 + scaledMillis(1_500), "the waiter slept " + after + " ms past a 300 ms hold");
        assertTrue(next.fencingToken() > crashed.fencingToken());
        assertTrue(!crashed.isValid());
    }

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {true, false})
    void aWaiterThatBecomesHeadWhenTheHeadTimesOutIsReArmed(boolean fair) throws Exception {
        String name = "rearm-head-" + fair;
        LockClient holder = client(fair);
        Lease held = holder.lock(name).acquire(LONG);
        CompletableFuture<Lease> y = acquireAsync(client(fair), name, LONG, Duration.ofMillis(800)); // takes a short hold, dies
        awaitWaiters(holder, name, 1);
        CompletableFuture<Lease> z = acquireAsync(client(fair), name, Duration.ofMillis(200), LONG); // gives up while y holds
        awaitWaiters(holder, name, 2);
        CompletableFuture<Lease> b = acquireAsync(client(fair), name, Duration.ofSeconds(10), LONG);
        awaitWaiters(holder, name, 3);

        held.release();
        Lease crashed = y.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
        long grantedToY = System.nanoTime();
        ExecutionException gaveUp = Assertions.assertThrows(ExecutionException.class, () -> z.get(scaledMillis(2_000), TimeUnit.MILLISECONDS));
        assertTrue(gaveUp.getCause() instanceof LockTimeoutException, gaveUp.toString());
        Lease next = b.get(scaledMillis(12_000), TimeUnit.MILLISECONDS);
        long after = (System.nanoTime() - grantedToY) / 1_000_000;
        assertTrue(after < 800 + scaledMillis(1_500), "the waiter slept " + after + " ms past an 800 ms hold");
        assertTrue(next.fencingToken() > crashed.fencingToken());
        assertEquals(0, holder.inspect(name).orElseThrow().waiters());
    }
}
