package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.open;
import static dev.latchkey.redis.lua.TestRedis.scaled;
import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backend's behaviour against a real redis-server, through the public API and the driver SPI, for
 * both clients. Reentrancy, timeouts, async acquisition and renewal are left to the TCK
 * ({@link RedisLuaJedisTckTest}, {@link RedisLuaLettuceTckTest}), which runs them on both clients.
 */
class RedisLuaLockTest {
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void keyLayout_oneHashPerName_withoutTtl_holderExpiryAndFence_counterSurvivesRelease(String client) throws Exception {
        String name = name("layout");
        try (LockClient c = open(server.port(), client, "")) {
            assertEquals(LuaLockDriver.CAPABILITIES, c.capabilities());
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(10));
            String key = "latchkey:{" + name + "}";
            assertEquals("hash", server.command("TYPE", key));
            assertEquals("-1", server.command("PTTL", key), "the key has no TTL: the fence counter must never go");
            assertEquals(Long.toString(lease.fencingToken()), server.command("HGET", key, "f"));
            assertNotNull(server.command("HGET", key, "o"), "the holder's token");
            long left = c.inspect(name).orElseThrow().remaining().toMillis();
            assertTrue(left > 8_000 && left <= 10_000, "the hold ends with the lease, on the server's clock: " + left);
            System.out.printf("[memory] %s: held %s bytes (MEMORY USAGE)%n", client, server.command("MEMORY", "USAGE", key));
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            assertEquals("0", server.command("HEXISTS", key, "o"), "release removes the holder");
            assertEquals(Long.toString(lease.fencingToken()), server.command("HGET", key, "f"), "the counter survives the release");
            assertEquals("[latchkey:{" + name + "}]", server.call("KEYS", "latchkey:{" + name + "}*").toString(), "one key per name");
            System.out.printf("[memory] %s: released %s bytes (MEMORY USAGE)%n", client, server.command("MEMORY", "USAGE", key));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void ownerCheckedReleaseAndExtend_neverTouchAnotherHold(String client) throws Exception {
        String name = name("owner");
        try (LuaLockDriver driver = TestRedis.driver(server.port(), client, Duration.ofSeconds(5))) {
            Grant grant = driver.acquire(name, "owner-a", 5_000, 0);
            assertNotNull(grant);
            assertNull(driver.acquire(name, "owner-b", 5_000, 0), "held: a second owner is refused");
            assertFalse(driver.release(name, "owner-b"), "release by a non-owner");
            assertFalse(driver.extend(name, "owner-b", 60_000), "extend by a non-owner");
            assertEquals("owner-a", server.command("HGET", driver.lockKey(name), "o"));
            assertTrue(driver.inspect(name).orElseThrow().remaining().toMillis() <= 5_000, "a non-owner's extend left the expiry alone");
            assertTrue(driver.extend(name, "owner-a", 60_000));
            assertTrue(driver.inspect(name).orElseThrow().remaining().toMillis() > 55_000);
            assertTrue(driver.release(name, "owner-a"));
            assertFalse(driver.release(name, "owner-a"), "a second release finds nothing to release");
            assertFalse(driver.extend(name, "owner-a", 1_000), "extend after release");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void staleReleaseAfterExpiryAndTakeover_leavesTheNewHolderHolding(String client) throws Exception {
        String name = name("stale");
        try (LockClient a = open(server.port(), client, ""); LockClient b = open(server.port(), client, "")) {
            Lease old = a.lock(name).acquire(Duration.ofMillis(150));
            Thread.sleep(250);
            Lease current = b.lock(name).acquire(Duration.ZERO, Duration.ofSeconds(10));
            assertTrue(current.fencingToken() > old.fencingToken());
            assertThrows(LockLostException.class, old::release, "the stale holder learns it lost the lock");
            assertThrows(LockLostException.class, () -> old.extend(Duration.ofSeconds(10)));
            LockInfo info = b.inspect(name).orElseThrow();
            assertTrue(info.isHeld());
            assertEquals(current.fencingToken(), info.fencingToken());
            assertTrue(current.isValid());
            assertEquals(ReleaseOutcome.RELEASED, current.release());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void fencingTokensStrictlyIncrease_acrossReleaseExpiryAndTakeover(String client) throws Exception {
        String name = name("fence");
        try (LockClient a = open(server.port(), client, ""); LockClient b = open(server.port(), client, "")) {
            long last = 0;
            for (int i = 0; i < 3; i++) {
                Lease expiring = a.lock(name).acquire(Duration.ZERO, Duration.ofMillis(60));
                assertTrue(expiring.fencingToken() > last);
                last = expiring.fencingToken();
                Lease taker = b.lock(name).acquire(Duration.ofSeconds(5), Duration.ofSeconds(5)); // after the expiry
                assertTrue(taker.fencingToken() > last, "takeover after expiry gets a larger token");
                last = taker.fencingToken();
                taker.release();
            }
            server.command("HDEL", "latchkey:{" + name + "}", "o", "e"); // an operator cleaning up keeps the counter
            assertTrue(b.lock(name).acquire(Duration.ZERO, Duration.ofSeconds(1)).fencingToken() > last);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void noScript_afterScriptFlush_isRecoveredTransparently(String client) throws Exception {
        String name = name("noscript");
        try (LockClient c = open(server.port(), client, "")) {
            server.command("SCRIPT", "FLUSH");
            Lease lease = c.lock(name).acquire(Duration.ZERO, Duration.ofSeconds(5));
            server.command("SCRIPT", "FLUSH");
            lease.extend(Duration.ofSeconds(20));
            server.command("SCRIPT", "FLUSH");
            assertTrue(c.inspect(name).orElseThrow().isHeld());
            server.command("SCRIPT", "FLUSH");
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            server.command("SCRIPT", "FLUSH");
            assertTrue(c.lock(name).tryAcquire().isPresent());
            assertTrue(c.forceRelease(name));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void releasePublishes_onlyWhenItReleased(String client) throws Exception {
        String name = name("publish");
        try (LuaLockDriver driver = TestRedis.driver(server.port(), client, Duration.ofSeconds(5));
             LuaLockDriver listener = TestRedis.driver(server.port(), client, Duration.ofSeconds(30))) {
            assertNotNull(driver.acquire(name, "holder", 10_000, 0));
            // A waiter on another client: woken only by a real release, it must otherwise sleep for its whole wait.
            CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                try {
                    Grant g = listener.acquire(name, "waiter", 10_000, TimeUnit.SECONDS.toNanos(20));
                    assertNotNull(g);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return (System.nanoTime() - t0) / 1_000_000;
            });
            awaitSubscribed(listener, name);
            assertFalse(driver.release(name, "impostor"));
            assertFalse(driver.extend(name, "impostor", 1));
            assertEquals(1, subscribers(driver.channel(name)));
            Thread.sleep(300);
            assertFalse(waited.isDone(), "a refused release must not wake anyone into a grant");
            assertTrue(driver.release(name, "holder"));
            long ms = waited.get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            assertTrue(ms >= 300, "woken by the real release, not before: " + ms);
            assertTrue(driver.release(name, "waiter"));
        }
    }

    static long subscribers(String channel) {
        return (Long) ((List<?>) server.call("PUBSUB", "NUMSUB", channel)).get(1);
    }

    static void awaitSubscribers(String channel, long n) throws InterruptedException {
        long deadline = System.nanoTime() + scaled(Duration.ofSeconds(5)).toNanos();
        while (subscribers(channel) != n) {
            assertTrue(System.nanoTime() < deadline, "expected " + n + " subscriptions to " + channel);
            Thread.sleep(5);
        }
    }

    static void awaitSubscribed(LuaLockDriver driver, String name) throws InterruptedException {
        long deadline = System.nanoTime() + scaled(Duration.ofSeconds(5)).toNanos();
        while (!driver.isSubscribed(name)) {
            assertTrue(System.nanoTime() < deadline, "waiter never subscribed");
            Thread.sleep(5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void expiryOfAnAbandonedHold_wakesTheWaiterAtTheHoldersTtl_notTheFallback(String client) throws Exception {
        String name = name("expiry");
        try (LockClient a = open(server.port(), client, ""); LockClient b = open(server.port(), client, "fallback=30s")) {
            a.lock(name).acquire(Duration.ofMillis(400)); // never released: like a crashed holder
            long t0 = System.nanoTime();
            Lease lease = b.lock(name).acquire(Duration.ofSeconds(10), Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 300 && ms < scaledMillis(2_000), "acquired when the abandoned lease ran out: " + ms + " ms");
            lease.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void interruptWhileWaiting_throwsPromptly_andLeavesNothingHeld(String client) throws Exception {
        String name = name("interrupt");
        try (LockClient a = open(server.port(), client, ""); LockClient b = open(server.port(), client, "fallback=30s")) {
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                try {
                    b.lock(name).acquire();
                    outcome.set(new AssertionError("acquired"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
                done.countDown();
            });
            waiter.start();
            Thread.sleep(300);
            long t0 = System.nanoTime();
            waiter.interrupt();
            assertTrue(done.await(scaledMillis(2_000), TimeUnit.MILLISECONDS), "interrupt was not honoured");
            assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
            System.out.printf("[interrupt] %s: %.1f ms%n", client, (System.nanoTime() - t0) / 1e6);
            held.release();
            Thread.sleep(100);
            assertNull(a.inspect(name).orElseThrow().holder(), "the interrupted waiter holds nothing");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void manyLocalWaiters_shareOneSubscription_andEachGetsTheLockInTurn(String client) throws Exception {
        String name = name("shared");
        int waiters = 6;
        try (LockClient holder = open(server.port(), client, ""); LockClient c = open(server.port(), client, "fallback=30s")) {
            Lease first = holder.lock(name).acquire(Duration.ofSeconds(30));
            ExecutorService pool = Executors.newFixedThreadPool(waiters);
            try {
                List<Future<Long>> tokens = new ArrayList<>();
                for (int i = 0; i < waiters; i++) {
                    tokens.add(pool.submit(() -> {
                        try (Lease l = c.lock(name).acquire(Duration.ofSeconds(20), Duration.ofSeconds(10))) {
                            Thread.sleep(20);
                            return l.fencingToken();
                        }
                    }));
                }
                String channel = "latchkey:{" + name + "}:wake";
                awaitSubscribers(channel, 1);
                Thread.sleep(200); // let every waiter queue up
                assertEquals(1, subscribers(channel), "one subscription for all local waiters");
                long t0 = System.nanoTime();
                first.release();
                for (Future<Long> f : tokens) {
                    assertTrue(f.get(scaledMillis(5_000), TimeUnit.MILLISECONDS) > first.fencingToken());
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < scaledMillis(3_000), "handed over " + waiters + " times without the 30 s fallback: " + ms + " ms");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void inspectAndForceRelease(String client) throws Exception {
        String name = name("force");
        try (LockClient a = open(server.port(), client, ""); LockClient b = open(server.port(), client, "fallback=30s")) {
            assertFalse(a.inspect(name).orElseThrow().isHeld());
            Lease lease = a.lock(name).acquire(Duration.ofSeconds(30));
            LockInfo info = a.inspect(name).orElseThrow();
            assertTrue(info.isHeld());
            assertEquals(lease.fencingToken(), info.fencingToken());
            assertTrue(info.remaining().toMillis() > 25_000);
            CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(30), Duration.ofSeconds(5)).toCompletableFuture();
            awaitSubscribers("latchkey:{" + name + "}:wake", 1);
            assertTrue(b.forceRelease(name));
            Lease next = waiting.get(scaledMillis(2_000), TimeUnit.MILLISECONDS);
            assertTrue(next.isValid(), "force release wakes waiters");
            assertThrows(LockLostException.class, lease::release);
            assertTrue(next.fencingToken() > lease.fencingToken());
            next.release();
            assertFalse(b.forceRelease(name), "nothing left to force");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void capabilitiesAreDeclared(String client) {
        try (LockClient c = open(server.port(), client, "")) {
            assertTrue(c.capabilities().containsAll(List.of(Capability.MUTUAL_EXCLUSION, Capability.FENCING_TOKENS,
                    Capability.LEASE_RENEWAL, Capability.NO_POLLING, Capability.INTERRUPTIBLE, Capability.ASYNC,
                    Capability.REENTRANT, Capability.OWNER_SAFE_RELEASE, Capability.CLOCK_INDEPENDENT, Capability.LEASE_EXPIRY)));
            assertFalse(c.capabilities().contains(Capability.FAIR));
            assertTrue(c.describe().startsWith("redis-lua " + client), c.describe());
        }
    }
}
