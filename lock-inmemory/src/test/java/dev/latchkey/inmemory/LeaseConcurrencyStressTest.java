package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Leases of a few milliseconds, renewed and watched by the client's scheduler while other threads
 * release, extend and re-register listeners on them: nothing may deadlock, every lease ends
 * released or lost exactly once, and the locks end up free.
 */
class LeaseConcurrencyStressTest {

    private static final class Tracked {
        final Lease lease;
        final AtomicInteger lostCalls = new AtomicInteger();
        final AtomicInteger registered = new AtomicInteger();
        volatile boolean releaseSawLoss;
        volatile boolean released;

        Tracked(Lease lease) {
            this.lease = lease;
        }
    }

    @Test
    void renewalExpiryWatchesReleaseAndExtendNeverDeadlock() {
        assertTimeoutPreemptively(Duration.ofMillis(Timing.scaledMillis(30_000)), this::stress,
                "deadlock or livelock between renewal, expiry watch and release");
    }

    private void stress() throws Exception {
        InMemorySpace space = InMemorySpace.create();
        List<LockClient> clients = List.of(space.client(Duration.ofSeconds(30), true), space.client(Duration.ofSeconds(30), false));
        ConcurrentLinkedQueue<Tracked> all = new ConcurrentLinkedQueue<>();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            LockClient client = clients.get(t % clients.size());
            done.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < 400; i++) {
                    String name = "stress-" + rnd.nextInt(3);
                    Lease lease = client.lock(name).tryAcquire(Duration.ofMillis(20), Duration.ofMillis(2 + rnd.nextInt(4))).orElse(null);
                    if (lease == null) {
                        continue;
                    }
                    Tracked tr = new Tracked(lease);
                    all.add(tr);
                    try {
                        if (rnd.nextBoolean()) {
                            lease.renewAutomatically();
                        }
                        lease.onLost(e -> tr.lostCalls.incrementAndGet());
                        tr.registered.incrementAndGet();
                        if (rnd.nextInt(4) == 0) {
                            lease.extend(Duration.ofMillis(3));
                        }
                        if (rnd.nextInt(3) == 0) {
                            Thread.sleep(rnd.nextInt(6)); // sometimes outlive an unrenewed lease
                        }
                        lease.onLost(e -> tr.lostCalls.incrementAndGet());
                        tr.registered.incrementAndGet();
                    } catch (LockLostException | IllegalStateException lostMeanwhile) {
                        // the lease ran out under us: allowed, checked below
                    }
                    try {
                        tr.released = lease.release() == ReleaseOutcome.RELEASED;
                    } catch (LockLostException e) {
                        tr.releaseSawLoss = true;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdownNow();
        // Listeners of a loss found by the scheduler run just after the state changed: let them finish.
        Timing.awaitCondition("every loss listener ran", () -> all.stream()
                .allMatch(tr -> !tr.releaseSawLoss || tr.lostCalls.get() >= tr.registered.get()));
        int lost = 0;
        for (Tracked tr : all) {
            assertFalse(tr.lease.isValid());
            assertTrue(tr.released ^ tr.releaseSawLoss, "each lease ends released or lost, not both");
            if (tr.releaseSawLoss) {
                lost++;
                // each registered listener ran exactly once (at loss, or at once if registered after it)
                assertEquals(tr.registered.get(), tr.lostCalls.get(), "listener calls for a lost lease");
                assertTrue(tr.registered.get() >= 1);
            } else {
                assertTrue(tr.lostCalls.get() == 0, "a released lease reported a loss");
            }
        }
        assertTrue(all.size() > 100, "too few grants to mean anything: " + all.size());
        for (int i = 0; i < 3; i++) {
            assertFalse(clients.get(0).inspect("stress-" + i).orElseThrow().isHeld());
        }
        clients.forEach(LockClient::close);
        System.out.println("stress: " + all.size() + " leases, " + lost + " lost before release");
    }
}
