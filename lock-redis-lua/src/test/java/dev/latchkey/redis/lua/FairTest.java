package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.open;
import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fair mode ({@code fair=true}): arrival order across clients, no stall behind a waiter that left, no barging. */
class FairTest {
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void waitersFromManyClients_areGrantedInArrivalOrder_andEachReleaseWakesOnlyTheNext(String client) throws Exception {
        String name = name("fair-order");
        List<LockClient> clients = new ArrayList<>();
        try (LockClient holder = open(server.port(), client, "fair=true")) {
            assertTrue(holder.capabilities().contains(Capability.FAIR));
            for (int i = 0; i < 4; i++) {
                clients.add(open(server.port(), client, "fair=true&fallback=30s"));
            }
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                waiters.add(CompletableFuture.runAsync(() -> {
                    try (Lease lease = clients.get(id).lock(name).acquire(Duration.ofSeconds(30), Duration.ofSeconds(10))) {
                        order.add(id);
                        Thread.sleep(30);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                Thread.sleep(150);
            }
            assertEquals(4, holder.inspect(name).orElseThrow().waiters(), "four queued waiters");
            assertTrue(holder.lock(name).tryAcquire().isEmpty());
            held.release();
            CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            assertEquals(List.of(0, 1, 2, 3), List.copyOf(order));
            assertEquals(0, holder.inspect(name).orElseThrow().waiters(), "the queue is empty again");
            assertEquals("0", server.command("EXISTS", "latchkey:{" + name + "}:q"));
            assertEquals("0", server.command("EXISTS", "latchkey:{" + name + "}:p"));
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void localWaitersOfOneClient_areGrantedInArrivalOrderToo(String client) throws Exception {
        String name = name("fair-local");
        try (LockClient holder = open(server.port(), client, "fair=true"); LockClient c = open(server.port(), client, "fair=true&fallback=30s")) {
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Lease>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                CompletableFuture<Lease> f = c.lock(name).acquireAsync(Duration.ofSeconds(30), Duration.ofSeconds(10)).toCompletableFuture();
                waiters.add(f.thenApply(lease -> {
                    order.add(id);
                    lease.release();
                    return lease;
                }));
                Thread.sleep(150);
            }
            held.release();
            CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            assertEquals(List.of(0, 1, 2, 3), List.copyOf(order));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aWaiterThatGaveUp_doesNotStallTheQueue(String client) throws Exception {
        String name = name("fair-quit");
        try (LockClient holder = open(server.port(), client, "fair=true");
             LockClient quitter = open(server.port(), client, "fair=true&fallback=30s");
             LockClient stayer = open(server.port(), client, "fair=true&fallback=30s")) {
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            CompletableFuture<Optional<Lease>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return quitter.lock(name).tryAcquire(Duration.ofMillis(300), Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            CompletableFuture<Lease> second = stayer.lock(name).acquireAsync(Duration.ofSeconds(30), Duration.ofSeconds(10)).toCompletableFuture();
            assertTrue(first.get(scaledMillis(3_000), TimeUnit.MILLISECONDS).isEmpty());
            long t0 = System.nanoTime();
            held.release();
            Lease next = second.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < scaledMillis(1_000), "handed over " + ms + " ms after the release");
            next.release();
        }
    }

    /**
     * A waiter that queued and died while its place was still live is handed the lock by the release: it
     * holds it for its own lease (as a holder that crashed right after acquiring would), and the next
     * waiter, told of that hand-off and its lease, follows when it runs out, not at its next refresh.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aCrashedWaiterHandedTheLock_holdsItForItsOwnLease_andTheNextWaiterFollowsWithoutTheFallback(String client) throws Exception {
        String name = name("fair-ghost");
        try (LockClient holder = open(server.port(), client, "fair=true"); LockClient c = open(server.port(), client, "fair=true&fallback=30s")) {
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            // A waiter that queued and died: its place lasts 5 s more on the server's clock, its lease is 600 ms.
            List<?> time = (List<?>) server.call("TIME");
            long now = Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
            server.command("ZADD", "latchkey:{" + name + "}:q", "1", "ghost:1");
            server.command("HSET", "latchkey:{" + name + "}:p", "ghost:1", (now + 5_000) + " 600");
            CompletableFuture<Lease> waiting = c.lock(name).acquireAsync(Duration.ofSeconds(30), Duration.ofSeconds(10)).toCompletableFuture();
            Thread.sleep(100);
            long t0 = System.nanoTime();
            held.release(); // hands the lock to the ghost, which never comes
            assertEquals("ghost:1", holder.inspect(name).orElseThrow().holder());
            Lease next = waiting.get(scaledMillis(3_000), TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 550 && ms < scaledMillis(1_500), "the ghost's hand-off held the lock for " + ms + " ms");
            assertFalse(server.command("ZRANGE", "latchkey:{" + name + "}:q", "0", "-1").contains("ghost"));
            next.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void noBarging_whileOthersWait_andASingleAttemptNeverQueues(String client) throws Exception {
        String name = name("fair-barge");
        try (LockClient a = open(server.port(), client, "fair=true"); LockClient b = open(server.port(), client, "fair=true&fallback=30s")) {
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            assertTrue(b.lock(name).tryAcquire().isEmpty());
            assertEquals(0, a.inspect(name).orElseThrow().waiters(), "a single attempt does not queue");
            CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(30), Duration.ofSeconds(10)).toCompletableFuture();
            Thread.sleep(150);
            held.release();
            Lease next = waiting.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
            assertTrue(a.lock(name).tryAcquire().isEmpty(), "held by the waiter");
            next.release();
            assertTrue(a.lock(name).tryAcquire().isPresent(), "free and nobody queued: a single attempt wins");
        }
    }

    /**
     * Regression: a waiter that gave up while its dequeue could not be written (here CLIENT PAUSE WRITE,
     * as during a failover or a slow fork) stayed in the queue, with no TTL, until the next fair
     * acquire of that name, and inspect kept counting it. Its place now runs out by itself: inspect
     * stops counting it and both queue keys expire, with no further acquisition.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aWaiterThatGaveUpWhileWritesWerePaused_leavesTheQueueByItself(String client) throws Exception {
        String name = name("fair-stale");
        Duration fallback = Duration.ofMillis(200);
        long placeMillis = 2 * fallback.toMillis() + 1_000; // LuaLockDriver: a place lasts 2 x refresh (here the fallback) + 1 s
        try (RedisServer own = RedisServer.start();
             LockClient holder = open(own.port(), client, "fair=true");
             LockClient quitter = open(own.port(), client, "fair=true&timeout=300ms&fallback=" + fallback.toMillis() + "ms")) {
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            CompletableFuture<Optional<Lease>> gaveUp = CompletableFuture.supplyAsync(() -> {
                try {
                    return quitter.lock(name).tryAcquire(Duration.ofMillis(400), Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scaledMillis(2_000));
            while (holder.inspect(name).orElseThrow().waiters() != 1) {
                assertTrue(System.nanoTime() < deadline, "the waiter never queued");
                Thread.sleep(5);
            }
            own.command("CLIENT", "PAUSE", "3000", "WRITE"); // its dequeue on giving up cannot be written
            try {
                gaveUp.get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // the dequeue (or the last attempt) timed out: that is the case under test
            }
            own.command("CLIENT", "UNPAUSE");
            // An attempt held back by the pause may still refresh the place when it runs, now: the place
            // lasts placeMillis from here at most.
            Thread.sleep(placeMillis + scaledMillis(300));
            assertEquals(0, holder.inspect(name).orElseThrow().waiters(), () -> "a waiter that gave up is still counted: "
                    + own.call("HGETALL", "latchkey:{" + name + "}:p") + " at " + own.call("TIME")
                    + " pttl " + own.command("PTTL", "latchkey:{" + name + "}:p") + " outcome " + gaveUp);
            assertEquals("0", own.command("EXISTS", "latchkey:{" + name + "}:q"), "the queue key outlived every place");
            assertEquals("0", own.command("EXISTS", "latchkey:{" + name + "}:p"), "the places key outlived every place");
            held.release();
        }
    }
}
