package dev.latchkey.redis.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A recorded run: 20,000 acquisitions of one name by four clients (two Jedis, two Lettuce, each its
 * own connections) with two threads each. Inside every hold it checks a CAS occupancy flag, bumps a
 * plain (non-atomic) counter and records the hold's interval and fencing token; afterwards a sweep
 * over the recorded intervals looks for overlaps, and the tokens, in hold order, must strictly increase.
 */
class ExclusionRunTest {
    private static final int ACQUISITIONS = 20_000;
    private static final int CLIENTS = 4;
    private static final int THREADS_PER_CLIENT = 2;

    /** One recorded hold: from just after the grant to just before the release. */
    private record Hold(int client, long fence, long start, long end) {
    }

    private final AtomicBoolean occupied = new AtomicBoolean();
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger casFailures = new AtomicInteger();
    private final Hold[] history = new Hold[ACQUISITIONS];
    private long unsafeCounter; // deliberately not atomic: lost updates would show overlapping holds
    private long lastFence;
    private int nonIncreasingFences;

    @Test
    void twentyThousandAcquisitions_fourClients_noOverlap_strictlyIncreasingFences() throws Exception {
        String name = TestRedis.name("exclusion");
        try (RedisServer server = RedisServer.start()) {
            List<LockClient> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS * THREADS_PER_CLIENT);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(TestRedis.open(server.port(), i % 2 == 0 ? "jedis" : "lettuce", "lease=10s&fallback=2s"));
                }
                long t0 = System.nanoTime();
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < CLIENTS * THREADS_PER_CLIENT; i++) {
                    int client = i % CLIENTS;
                    workers.add(pool.submit(() -> work(clients.get(client), client, name)));
                }
                for (Future<?> w : workers) {
                    w.get(TestRedis.scaledMillis(120_000), TimeUnit.MILLISECONDS);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("[exclusion] %d acquisitions by %d clients x %d threads in %.1f s (%.0f/s)%n",
                        ACQUISITIONS, CLIENTS, THREADS_PER_CLIENT, seconds, ACQUISITIONS / seconds);
            } finally {
                pool.shutdownNow();
                clients.forEach(LockClient::close);
            }
        }
        assertEquals(0, casFailures.get(), "a hold began while another was in progress");
        assertEquals(ACQUISITIONS, unsafeCounter, "the non-atomic counter lost updates: holds overlapped");
        assertEquals(0, nonIncreasingFences, "fencing tokens must strictly increase in hold order");
        Hold[] sorted = history.clone();
        Arrays.sort(sorted, Comparator.comparingLong(Hold::start));
        for (int i = 1; i < sorted.length; i++) {
            assertTrue(sorted[i].start() > sorted[i - 1].end(), "holds overlap: " + sorted[i - 1] + " and " + sorted[i]);
            assertTrue(sorted[i].fence() > sorted[i - 1].fence(), "fence order differs from hold order at " + sorted[i]);
        }
        long handoffs = 0;
        for (int i = 1; i < sorted.length; i++) {
            handoffs += sorted[i].client() != sorted[i - 1].client() ? 1 : 0;
        }
        System.out.printf("[exclusion] %d handoffs between clients%n", handoffs);
        assertTrue(handoffs > 0, "the clients really contended");
    }

    private void work(LockClient client, int clientId, String name) {
        try {
            while (true) {
                Lease lease = client.lock(name).acquire(Duration.ofSeconds(30), Duration.ofSeconds(10));
                int n = taken.getAndIncrement();
                if (n >= ACQUISITIONS) {
                    lease.release();
                    return;
                }
                long start = System.nanoTime();
                if (!occupied.compareAndSet(false, true)) {
                    casFailures.incrementAndGet();
                }
                unsafeCounter++;
                if (lease.fencingToken() <= lastFence) {
                    nonIncreasingFences++;
                }
                lastFence = lease.fencingToken();
                assertTrue(lease.isValid());
                occupied.set(false);
                history[n] = new Hold(clientId, lease.fencingToken(), start, System.nanoTime());
                lease.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
