package dev.latchkey.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Exclusion checked with a compare-and-set occupancy flag (an overlap is seen the moment it happens)
 * plus a deliberately non-atomic counter (a lost update, or a write not made visible to the next
 * holder, shows in the total), with several participants contending on one name.
 */
class MutualExclusionTest {
    private static final String NAME = "mx";

    /** State of the "protected resource"; the plain fields are guarded only by the distributed lock. */
    private final AtomicBoolean occupied = new AtomicBoolean();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicInteger staleTokens = new AtomicInteger();
    private final AtomicInteger badReleases = new AtomicInteger();
    private long counter;
    private long lastToken;

    private void run(boolean fair, int participants, int threads, int rounds) throws Exception {
        InMemorySpace space = InMemorySpace.create();
        List<LockClient> clients = new ArrayList<>();
        for (int i = 0; i < participants; i++) {
            clients.add(space.client(Duration.ofSeconds(30), fair));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                DistributedLock lock = clients.get(t % participants).lock(NAME);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        Lease lease = lock.acquire();
                        if (!occupied.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        if (lease.fencingToken() <= lastToken) {
                            staleTokens.incrementAndGet();
                        }
                        lastToken = lease.fencingToken();
                        long read = counter;
                        if ((i & 15) == 0) {
                            Thread.yield(); // widen the read-modify-write window
                        }
                        counter = read + 1;
                        if (!occupied.compareAndSet(true, false)) {
                            overlaps.incrementAndGet();
                        }
                        if (lease.release() != ReleaseOutcome.RELEASED) {
                            badReleases.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(Timing.scaledMillis(60_000), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
            clients.forEach(LockClient::close);
        }
        assertEquals(0, overlaps.get(), "overlapping holds");
        assertEquals((long) threads * rounds, counter, "lost updates");
        assertEquals(0, staleTokens.get(), "fencing tokens must strictly increase from one holder to the next");
        assertEquals(0, badReleases.get());
        assertEquals((long) threads * rounds, lastToken, "one token per grant, none skipped");
    }

    @Test
    void sixteenThreadsOnFourFairParticipantsNeverOverlap() throws Exception {
        run(true, 4, 16, 2_000);
    }

    @Test
    void unfairParticipantsNeverOverlapEither() throws Exception {
        run(false, 3, 8, 1_000);
    }
}
