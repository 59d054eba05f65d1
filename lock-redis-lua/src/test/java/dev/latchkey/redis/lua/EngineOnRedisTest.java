package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.open;
import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.LockView;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.Ticker;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regressions for what peers' test suites and a user's first pause found in the engine, on a real
 * Redis with both clients: release from an interrupted thread, a lease returned already dead after a
 * server pause, and one lease's hung call delaying another lease's renewal.
 */
class EngineOnRedisTest {

    /** Regression: Lettuce aborted the release script on an interrupted thread ("Command interrupted"). */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void releaseAndUnlockFromAnInterruptedThreadWorkAndKeepTheFlag(String client) throws Exception {
        RedisServer server = RedisServer.shared();
        try (LockClient a = open(server.port(), client, ""); LockClient b = open(server.port(), client, "")) {
            String name = name("interrupted-release");
            for (int i = 0; i < 20; i++) {
                Lease lease = a.lock(name).acquire(Duration.ofSeconds(30));
                Thread.currentThread().interrupt();
                try {
                    assertEquals(ReleaseOutcome.RELEASED, lease.release(), "round " + i);
                    assertTrue(Thread.currentThread().isInterrupted(), "release must keep the interrupt flag");
                } finally {
                    Thread.interrupted();
                }
                assertTrue(b.lock(name).tryAcquire().map(Lease::release).isPresent(), "round " + i + ": the lock was not freed");

                LockView view = a.lock(name).asLock();
                view.lock();
                Thread.currentThread().interrupt(); // the idiom: catch (InterruptedException e) { interrupt(); } finally { unlock(); }
                try {
                    view.unlock();
                    assertTrue(Thread.currentThread().isInterrupted(), "unlock must keep the interrupt flag");
                } finally {
                    Thread.interrupted();
                }
                assertFalse(view.isHeldByCurrentThread());
                assertTrue(b.lock(name).tryAcquire().map(Lease::release).isPresent(), "round " + i + ": unlock did not free the lock");
            }
        }
    }

    /**
     * Regression: with the server paused for twice the lease while the granting script was in flight,
     * acquire returned a lease whose deadline had already passed. Now each acquisition either returns
     * a lease with at least half its lease left, within the wait, or times out.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aServerPauseLongerThanTheLeaseNeverYieldsADeadLease(String client) throws Exception {
        Duration lease = Duration.ofMillis(300);
        Duration pause = lease.multipliedBy(2);
        try (RedisServer server = RedisServer.start(); LockClient c = open(server.port(), client, "timeout=5s")) {
            String name = name("paused-grant");
            int late = 0;
            for (int i = 0; i < 20; i++) {
                server.pause(); // the request leaves while the server cannot answer: the reply comes after the pause
                long asked = System.nanoTime();
                CompletableFuture<Lease> acquired = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.lock(name).acquire(Duration.ofSeconds(5), lease);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(pause.toMillis());
                server.resume();
                Lease got = acquired.get(scaledMillis(10_000), TimeUnit.MILLISECONDS);
                long returnedAfter = System.nanoTime() - asked;
                Duration left = got.remaining();
                assertTrue(got.isValid(), "round " + i + ": acquire returned a dead lease after " + returnedAfter / 1_000_000 + " ms");
                assertTrue(left.compareTo(lease.dividedBy(2)) >= 0 || !got.isValid(),
                        "round " + i + ": only " + left.toMillis() + " ms of a " + lease.toMillis() + " ms lease left");
                assertTrue(returnedAfter < TimeUnit.SECONDS.toNanos(5), "round " + i + ": beyond the wait");
                if (returnedAfter >= pause.toNanos()) {
                    late++;
                }
                got.release();
                LockInfo info = c.inspect(name).orElseThrow();
                assertNull(info.holder(), "round " + i + ": the late grant was not undone: " + info);
            }
            assertEquals(20, late, "every acquisition should have met the pause");
        }
    }

    /** A timed acquisition whose wait is spent by a late grant ends with LockTimeoutException, holding nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void aLateGrantThatSpendsTheWaitTimesOut(String client) throws Exception {
        Duration lease = Duration.ofMillis(200);
        try (RedisServer server = RedisServer.start(); LockClient c = open(server.port(), client, "timeout=5s")) {
            String name = name("late-timeout");
            server.pause();
            CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.lock(name).acquire(Duration.ofMillis(100), lease);
                } catch (LockTimeoutException expected) {
                    return expected;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(lease.multipliedBy(2).toMillis());
            server.resume();
            Object result = outcome.get(scaledMillis(10_000), TimeUnit.MILLISECONDS);
            assertTrue(result instanceof LockTimeoutException, "expected a timeout, got " + result);
            assertNull(c.inspect(name).orElseThrow().holder(), "the late grant was not undone");
        }
    }

    /**
     * Regression: a caller's extend() ran the driver call under the lease's monitor, so when it hung on
     * a dead connection it blocked that lease's renewal tick, and with it the client's only scheduler
     * thread: other leases of the same client missed their renewals. Here one lock name's calls go
     * through a black-holed proxy while another's go straight to Redis; the second lease must keep
     * renewing for several lease lengths while the first lease's extend hangs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void oneLeasesHungExtendDoesNotDelayAnotherLeasesRenewal(String client) throws Exception {
        RedisServer server = RedisServer.shared();
        Duration lease = Duration.ofMillis(300);
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port());
             LuaLockDriver direct = driver(server.port(), client, "2s");
             LuaLockDriver proxied = driver(proxy.port(), client, "3s")) {
            Routing routing = new Routing(proxied, direct);
            LockClient c = LockEngine.client(routing, lease);
            Lease fast = c.lock(name("renewing")).acquire(lease).renewAutomatically();
            // The slow lease renews too (every 300 ms): before the fix its renewal tick blocked on the
            // monitor that the hung extend held, and with it the client's only timer thread.
            Lease slow = c.lock("slow:" + name("hung")).acquire(lease.multipliedBy(3)).renewAutomatically();
            proxy.blackhole();
            CompletableFuture<Void> hung = CompletableFuture.runAsync(() -> slow.extend(Duration.ofSeconds(30)));
            int before = routing.fastExtends.get();
            int leaseLengths = 6; // 1.8 s, within the proxied connection's 3 s timeout
            long until = System.nanoTime() + lease.multipliedBy(leaseLengths).toNanos();
            while (System.nanoTime() < until) {
                assertTrue(fast.isValid(), "the renewing lease was lost while another lease's extend hung");
                assertFalse(hung.isDone(), () -> "the black-holed extend returned early: the test proves nothing: " + hung.handle((v, e) -> String.valueOf(e)).join());
                Thread.sleep(5);
            }
            int renewals = routing.fastExtends.get() - before;
            assertTrue(renewals >= leaseLengths, "only " + renewals + " renewals in " + leaseLengths + " lease lengths");
            assertTrue(fast.isValid());
            assertEquals(ReleaseOutcome.RELEASED, fast.release());
            proxy.restore();
            assertTrue(hung.handle((v, e) -> e != null).get(scaledMillis(10_000), TimeUnit.MILLISECONDS),
                    "the black-holed extend should fail once its connection times out");
            c.close();
        }
    }

    private static LuaLockDriver driver(int port, String client, String timeout) {
        RedisSettings s = RedisSettings.parse(URI.create(TestRedis.uri(port, client, "timeout=" + timeout)), Set.of(), Duration.ofSeconds(30));
        return new LuaLockDriver(RedisPorts.open(s), s.keys(), Duration.ofSeconds(5), false, Ticker.SYSTEM);
    }

    /** Sends lock names starting with {@code slow:} to one driver and the rest to another. */
    private static final class Routing implements LockDriver {
        private final LockDriver slow;
        private final LockDriver fast;
        final AtomicInteger fastExtends = new AtomicInteger();

        Routing(LockDriver slow, LockDriver fast) {
            this.slow = slow;
            this.fast = fast;
        }

        private LockDriver of(String name) {
            return name.startsWith("slow:") ? slow : fast;
        }

        @Override
        public Set<Capability> capabilities() {
            return fast.capabilities();
        }

        @Override
        public String describe() {
            return "routing";
        }

        @Override
        public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
            return of(name).acquire(name, token, leaseMillis, waitNanos);
        }

        @Override
        public boolean extend(String name, String token, long leaseMillis) {
            LockDriver target = of(name);
            if (target == fast) {
                fastExtends.incrementAndGet();
            }
            return target.extend(name, token, leaseMillis);
        }

        @Override
        public boolean release(String name, String token) {
            return of(name).release(name, token);
        }

        @Override
        public Optional<LockInfo> inspect(String name) {
            return of(name).inspect(name);
        }

        @Override
        public void close() {
            // the test closes both drivers
        }
    }
}
