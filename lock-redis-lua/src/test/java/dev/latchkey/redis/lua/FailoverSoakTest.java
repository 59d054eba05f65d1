package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockClient;
import dev.latchkey.LockException;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisSentinel;
import dev.latchkey.tck.Event;
import dev.latchkey.tck.History;
import dev.latchkey.tck.HistoryChecker;
import dev.latchkey.tck.RecordedLease;
import dev.latchkey.tck.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exclusion and fencing across failovers: four clients (two Jedis, two Lettuce) with two threads each acquire and
 * release four lock names through Sentinel (a master, one replica, three Sentinels) with {@code replicas=1}, while
 * the master crashes and a Sentinel promotes the replica, again and again. Every operation is recorded in a
 * lock-tck {@link History}: the interval sweep finds no overlapping holds, and per lock the fencing tokens, in the
 * order of the grants, strictly increase (none goes back). Calls that fail while there is no master, or no replica
 * to acknowledge, are counted and retried.
 */
class FailoverSoakTest {
    private static final int CLIENTS = 4;
    private static final int THREADS_PER_CLIENT = 2;
    private static final int NAMES = 4;

    /** The default build's version: a few thousand acquisitions, two failovers. */
    @Test
    void threeThousandAcquisitions_twoFailovers_noOverlap_tokensNeverGoBack() throws Exception {
        run(3_000, 1_000);
    }

    /** {@code ./mvnw -Psoak verify}: 100,000 acquisitions, a failover every 5,000 (every few seconds). */
    @Test
    @Tag("soak")
    void hundredThousandAcquisitions_aFailoverEveryFewSeconds_noOverlap_tokensNeverGoBack() throws Exception {
        run(100_000, 5_000);
    }

    private static void run(int acquisitions, int failoverEvery) throws Exception {
        History history = new History();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < NAMES; i++) {
            names.add(TestRedis.name("soak" + i));
        }
        List<Long> failovers = new ArrayList<>();
        long start = System.nanoTime();
        try (RedisSentinel sentinel = RedisSentinel.start(RedisSentinel.DEFAULT_MASTER_NAME, 1)) {
            List<LockClient> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS * THREADS_PER_CLIENT);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(Locks.open(SentinelTest.uri(sentinel, i % 2 == 0 ? "jedis" : "lettuce", "replicas=1&fallback=1s")));
                }
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < CLIENTS * THREADS_PER_CLIENT; i++) {
                    LockClient client = clients.get(i % CLIENTS);
                    String id = "c" + (i % CLIENTS) + ".t" + (i / CLIENTS);
                    workers.add(pool.submit(() -> work(client, id, names, history, acquired, unavailable, acquisitions)));
                }
                for (int next = failoverEvery; next < acquisitions; next += failoverEvery) {
                    while (acquired.get() < next) {
                        assertTrue(workers.stream().noneMatch(Future::isDone), "a worker stopped early");
                        Thread.sleep(5);
                    }
                    long t = System.nanoTime();
                    history.note("sentinel", "", "failover");
                    sentinel.crashMasterAndFailOver(scaled(Duration.ofSeconds(10)));
                    history.note("sentinel", "", "failed over");
                    sentinel.rejoin();
                    failovers.add(System.nanoTime() - t);
                }
                for (Future<?> w : workers) {
                    w.get(scaled(Duration.ofMinutes(10)).toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                pool.shutdownNow();
                clients.forEach(LockClient::close);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Event> events = history.events();
        long checkStart = System.nanoTime();
        List<Violation> overlaps = HistoryChecker.overlappingHolds(events);
        List<String> backwards = tokensGoingBack(events);
        System.out.printf("[failover-soak] %d acquisitions of %d names by %d clients x %d threads, %d failovers (each with rejoin:"
                        + " median %d ms), %d calls refused or unreachable and retried, %.1f s (%.0f acquisitions/s); %d events checked"
                        + " in %d ms: %d overlapping holds, %d tokens going back%n",
                acquired.get(), NAMES, CLIENTS, THREADS_PER_CLIENT, failovers.size(),
                failovers.stream().sorted().skip(failovers.size() / 2).findFirst().orElse(0L) / 1_000_000, unavailable.get(),
                seconds, acquired.get() / seconds, events.size(), (System.nanoTime() - checkStart) / 1_000_000, overlaps.size(), backwards.size());
        assertTrue(overlaps.isEmpty(), () -> overlaps.stream().map(Violation::toString).collect(Collectors.joining("\n")));
        assertTrue(backwards.isEmpty(), () -> String.join("\n", backwards));
        assertEquals((acquisitions - 1) / failoverEvery, failovers.size());
    }

    private static Void work(LockClient client, String id, List<String> names, History history, AtomicInteger acquired,
                             AtomicInteger unavailable, int acquisitions) throws InterruptedException {
        while (acquired.get() < acquisitions) {
            String name = names.get(ThreadLocalRandom.current().nextInt(names.size()));
            try {
                Optional<RecordedLease> held = history.tryAcquire(id, client.lock(name), Duration.ofSeconds(2), Duration.ofSeconds(5));
                if (held.isPresent()) {
                    acquired.incrementAndGet();
                    held.get().release();
                }
            } catch (LockException e) { // no master, no replica to acknowledge, or a hold lost while the master was gone
                unavailable.incrementAndGet();
                Thread.sleep(10);
            }
        }
        return null;
    }

    /** Per lock, the grants in the order they happened (no two overlap) whose token is not above the one before. */
    private static List<String> tokensGoingBack(List<Event> events) {
        Map<String, Event> last = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            if (e.type() == Event.Type.OK && e.op() == Event.Op.ACQUIRE) {
                Event before = last.put(e.lock(), e);
                if (before != null && e.token() <= before.token()) {
                    out.add(before + "\n  then " + e);
                }
            }
        }
        return out;
    }
}
