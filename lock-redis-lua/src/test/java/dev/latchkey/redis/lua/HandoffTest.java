package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.open;
import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Waiters are woken by releases, not by a timer: with a 30 s fallback, handoffs still take milliseconds. */
class HandoffTest {
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void releaseWakesABlockedWaiter_farSoonerThanTheFallback_withoutPolling(String client) throws Exception {
        String name = name("handoff");
        int rounds = 10;
        long[] latencies = new long[rounds];
        try (LockClient holder = open(server.port(), client, ""); LockClient waiter = open(server.port(), client, "fallback=30s")) {
            for (int i = -1; i < rounds; i++) { // round -1 warms up the connections
                Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
                long evalsBefore = scriptCalls();
                CompletableFuture<Lease> waiting = waiter.lock(name).acquireAsync(Duration.ofSeconds(60), Duration.ofSeconds(30)).toCompletableFuture();
                Thread.sleep(i == -1 ? 500 : 200);
                long evalsWhileWaiting = scriptCalls() - evalsBefore;
                assertTrue(evalsWhileWaiting <= 3, "a blocked waiter made " + evalsWhileWaiting + " attempts: it polls");
                long t0 = System.nanoTime();
                held.release();
                Lease got = waiting.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
                if (i >= 0) {
                    latencies[i] = System.nanoTime() - t0;
                }
                assertTrue(got.fencingToken() > held.fencingToken());
                got.release();
            }
        }
        Arrays.sort(latencies);
        System.out.printf("[handoff] %s: release -> waiter granted, median %.2f ms, max %.2f ms over %d rounds (fallback 30 s)%n",
                client, latencies[rounds / 2] / 1e6, latencies[rounds - 1] / 1e6, rounds);
        assertTrue(latencies[rounds - 1] < TimeUnit.MILLISECONDS.toNanos(scaledMillis(2_000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void noLostWakeUps_inRapidHandoffs_betweenTwoClients(String client) throws Exception {
        String name = name("pingpong");
        int rounds = 150;
        AtomicLong worstWait = new AtomicLong();
        try (LockClient a = open(server.port(), client, "fallback=30s"); LockClient b = open(server.port(), client, "fallback=30s")) {
            List<CompletableFuture<Void>> players = List.of(a, b).stream().map(c -> CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        long t0 = System.nanoTime();
                        // A long lease: a lost wake-up would cost the full 30 s, not a short TTL.
                        Lease lease = c.lock(name).acquire(Duration.ofSeconds(60), Duration.ofSeconds(30));
                        worstWait.accumulateAndGet(System.nanoTime() - t0, Math::max);
                        lease.release();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })).toList();
            CompletableFuture.allOf(players.toArray(CompletableFuture[]::new)).get(scaledMillis(60_000), TimeUnit.MILLISECONDS);
        }
        System.out.printf("[pingpong] %s: worst wait %.1f ms over 2 x %d acquisitions%n", client, worstWait.get() / 1e6, rounds);
        assertTrue(worstWait.get() < TimeUnit.MILLISECONDS.toNanos(scaledMillis(5_000)), "a wake-up was lost: " + worstWait.get() / 1e6 + " ms");
    }

    /**
     * Five threads of one client wait while another client holds: one of them contends in Redis, the others
     * queue locally. The release hands the lock to that contender inside the release script (no attempt of
     * its own follows), and each of the five then passes it to the next in one script: six calls in all
     * for the five hand-offs, none of them a failed attempt.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void waitersOfOneClient_getTheLockByDirectAndLocalHandOffs_withoutAFailedAttempt(String client) throws Exception {
        String name = name("herd");
        try (LockClient holder = open(server.port(), client, ""); LockClient waiters = open(server.port(), client, "fallback=30s")) {
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            List<CompletableFuture<Lease>> queued = java.util.stream.IntStream.range(0, 5)
                    .mapToObj(i -> waiters.lock(name).acquireAsync(Duration.ofSeconds(60), Duration.ofSeconds(30)).toCompletableFuture())
                    .toList();
            long before = awaitQuiet(); // every waiter asleep
            assertEquals(0, queued.stream().filter(CompletableFuture::isDone).count());
            held.release();
            Thread.sleep(300);
            long attempts = scriptCalls() - before - 1; // minus the release itself
            assertEquals(0, attempts, "the release handed the lock over directly, yet " + attempts + " attempts followed");
            assertEquals(1, queued.stream().filter(CompletableFuture::isDone).count());
            java.util.Set<CompletableFuture<Lease>> remaining = new java.util.HashSet<>(queued);
            long lastToken = held.fencingToken();
            while (!remaining.isEmpty()) {
                CompletableFuture.anyOf(remaining.toArray(CompletableFuture[]::new)).get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
                CompletableFuture<Lease> done = remaining.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow();
                remaining.remove(done);
                assertTrue(done.join().fencingToken() > lastToken, "each hand-off advances the fencing token");
                lastToken = done.join().fencingToken();
                done.join().release();
            }
            assertEquals(6, scriptCalls() - before, "one release, four local passes, one last release");
        }
    }

    /**
     * The lease of a hand-off grant is measured from the waiter's own latest request that the server answered
     * "queued": sent before the release (so the local deadline is never later than the server's), and, since
     * the waiter refreshes its place every quarter lease, recent enough for the engine's late-grant check.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aHandOffGrant_isMeasuredFromTheWaitersLatestQueuedAttempt(String client) throws Exception {
        String name = name("handoff-lease");
        long lease = 400; // the waiter refreshes its place every 100 ms
        try (LuaLockDriver holder = TestRedis.driver(server.port(), client, Duration.ofSeconds(30));
             LuaLockDriver waiter = TestRedis.driver(server.port(), client, Duration.ofSeconds(30))) {
            Grant held = holder.acquire(name, "holder", 30_000, 0);
            CompletableFuture<Grant> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return waiter.acquire(name, "waiter", lease, TimeUnit.SECONDS.toNanos(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(450); // four refreshes
            long released = System.nanoTime();
            assertTrue(holder.release(name, "holder"));
            Grant handed = waiting.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
            assertEquals(held.fencingToken() + 1, handed.fencingToken());
            assertTrue(handed.sentNanos() <= released, "measured from before the release that granted it");
            long age = TimeUnit.NANOSECONDS.toMillis(released - handed.sentNanos());
            assertTrue(age <= scaledMillis(lease / 4 + 50), "measured from a request " + age + " ms before the release: the place was not refreshed");
            assertTrue(waiter.release(name, "waiter"));
        }
    }

    /**
     * Local hand-offs are bounded: while a waiter of another client has a place, a client passes the lock
     * among its own threads at most {@link LuaLockDriver#MAX_LOCAL_PASSES} times in a row, then the release
     * goes to that waiter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aWaiterOfAnotherClient_getsTheLockAfterAtMostTheLocalPassBound(String client) throws Exception {
        String name = name("starve");
        try (LockClient busy = open(server.port(), client, ""); LockClient other = open(server.port(), client, "fallback=30s")) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ConcurrentLinkedQueue<long[]> grants = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> threads = java.util.stream.IntStream.range(0, 4).mapToObj(i -> CompletableFuture.runAsync(() -> {
                try {
                    while (!stop.get()) {
                        Lease l = busy.lock(name).acquire(Duration.ofSeconds(30), Duration.ofSeconds(10));
                        grants.add(new long[] {System.nanoTime(), l.fencingToken()});
                        Thread.sleep(1);
                        l.release();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })).toList();
            try {
                Thread.sleep(200); // the four threads pass the lock among themselves
                long asked = System.nanoTime();
                Lease mine = other.lock(name).acquire(Duration.ofSeconds(5), Duration.ofSeconds(10));
                long passedMeanwhile = grants.stream().filter(g -> g[0] > asked && g[1] < mine.fencingToken()).count();
                assertTrue(passedMeanwhile <= LuaLockDriver.MAX_LOCAL_PASSES + 2,
                        "the busy client kept the lock for " + passedMeanwhile + " grants while another client waited");
                mine.release();
            } finally {
                stop.set(true);
                CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(scaledMillis(10_000), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Waits until no script call arrives for 500 ms; returns the count. */
    private static long awaitQuiet() throws InterruptedException {
        long last = scriptCalls();
        for (int i = 0; i < 40; i++) {
            Thread.sleep(500);
            long now = scriptCalls();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the waiters never went quiet: they poll");
    }

    /** Scripts the server has run so far: EVALSHA and EVAL calls, less the EVALSHAs refused with NOSCRIPT (each retried as an EVAL). */
    private static long scriptCalls() {
        long total = 0;
        for (String line : ((String) server.call("INFO", "commandstats")).split("\r\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                total += stat(line, "calls") - stat(line, "failed_calls");
            }
        }
        return total;
    }

    private static long stat(String line, String field) {
        for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
            if (part.startsWith(field + "=")) {
                return Long.parseLong(part.substring(field.length() + 1));
            }
        }
        return 0;
    }
}
