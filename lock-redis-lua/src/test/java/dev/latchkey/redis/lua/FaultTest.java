package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.open;
import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server and network faults surface as clear {@link LockUnavailableException}s and never grant a lock twice. */
class FaultTest {

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void deadServerAtOpen_failsClearly_withinTheTimeout(String client) {
        int port;
        try (RedisServer server = RedisServer.start()) {
            port = server.port();
        } // stopped: nothing listens on the port now
        long t0 = System.nanoTime();
        LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> open(port, client, "timeout=500ms"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("could not be reached"), e.getMessage());
        assertTrue(ms < scaledMillis(5_000), "took " + ms + " ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void unresponsiveServerAtOpen_failsWithinTheTimeout(String client) {
        try (RedisServer server = RedisServer.start(); TcpProxy proxy = TcpProxy.start(server.host(), server.port())) {
            proxy.blackhole();
            long t0 = System.nanoTime();
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> open(proxy.port(), client, "timeout=500ms"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 400 && ms < scaledMillis(5_000), "took " + ms + " ms: " + e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void serverKilledMidHold_extendAndReleaseThrowLockUnavailable(String client) throws Exception {
        try (RedisServer server = RedisServer.start(); LockClient c = open(server.port(), client, "timeout=500ms")) {
            Lease lease = c.lock(name("killed")).acquire(Duration.ofSeconds(30));
            server.kill();
            assertFailsClearly(() -> {
                lease.extend(Duration.ofSeconds(30));
                return null;
            });
            assertFailsClearly(lease::release);
            assertFailsClearly(() -> c.lock(name("other")).tryAcquire());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void serverPaused_callsFailWithinTheTimeout_andWorkAgainAfterResume(String client) throws Exception {
        try (RedisServer server = RedisServer.start(); LockClient c = open(server.port(), client, "timeout=500ms")) {
            String name = name("paused");
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(30));
            server.pause();
            try {
                long t0 = System.nanoTime();
                LockUnavailableException e = assertFailsClearly(() -> {
                    lease.extend(Duration.ofSeconds(30));
                    return null;
                });
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 400 && ms < scaledMillis(3_000), "failed after " + ms + " ms: " + e.getMessage());
            } finally {
                server.resume();
            }
            ReleaseOutcome outcome = retry(lease::release); // the client may need a moment to reconnect
            assertEquals(ReleaseOutcome.RELEASED, outcome);
            assertTrue(c.lock(name).tryAcquire().isPresent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void wrongPassword_isReportedAsAnAuthenticationFailure(String client) throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.command("CONFIG", "SET", "requirepass", "s3cret");
            LockUnavailableException e = assertThrows(LockUnavailableException.class,
                    () -> open(server.port(), client, "password=wrong&timeout=1s"));
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"));
            try (LockClient ok = Locks.open("redis-lua://:s3cret@127.0.0.1:" + server.port() + "?client=" + client)) {
                assertTrue(ok.lock(name("auth")).tryAcquire().isPresent());
                assertFalse(ok.describe().contains("s3cret"), ok.describe());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void outOfMemory_isReportedOnAcquire(String client) throws Exception {
        try (RedisServer server = RedisServer.start(); LockClient c = open(server.port(), client, "")) {
            assertTrue(c.lock(name("warm")).tryAcquire().isPresent()); // scripts loaded before memory runs out
            server.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
            server.command("CONFIG", "SET", "maxmemory", "1");
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> c.lock(name("oom")).tryAcquire());
            assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
            server.command("CONFIG", "SET", "maxmemory", "0");
            assertTrue(c.lock(name("oom")).tryAcquire().isPresent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void readOnlyReplica_isReportedOnAcquire_andGrantsNothing(String client) throws Exception {
        try (RedisServer master = RedisServer.start(); RedisServer replica = RedisServer.start();
             LockClient c = open(replica.port(), client, "")) {
            replica.command("REPLICAOF", master.host(), String.valueOf(master.port()));
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> c.lock(name("ro")).tryAcquire());
            assertTrue(e.getMessage().contains("read-only replica"), e.getMessage());
            assertEquals("0", master.command("DBSIZE"), "nothing was granted anywhere");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void connectionCutMidHold_renewalFails_onLostFiresBeforeAnyoneElseIsGranted(String client) throws Exception {
        String name = name("partition");
        try (RedisServer server = RedisServer.start(); TcpProxy proxy = TcpProxy.start(server.host(), server.port());
             LockClient cut = open(proxy.port(), client, "timeout=200ms");
             LockClient other = open(server.port(), client, "fallback=30s")) {
            AtomicLong lostAt = new AtomicLong();
            Lease lease = cut.lock(name).acquire(Duration.ofMillis(1_500)).renewAutomatically()
                    .onLost(e -> lostAt.set(System.nanoTime()));
            CompletableFuture<Lease> waiting = other.lock(name).acquireAsync(Duration.ofSeconds(20), Duration.ofSeconds(10)).toCompletableFuture();
            Thread.sleep(1_000); // renewals keep it held beyond its first lease
            assertFalse(waiting.isDone());
            assertTrue(lease.isValid());
            long cutAt = System.nanoTime();
            proxy.cut();
            Lease taken = waiting.get(scaledMillis(10_000), TimeUnit.MILLISECONDS);
            long grantedAt = System.nanoTime();
            assertNotNull(taken);
            assertTrue(lostAt.get() != 0, "onLost had not fired when another client was granted the lock");
            assertTrue(lostAt.get() < grantedAt && lostAt.get() > cutAt);
            assertFalse(lease.isValid());
            System.out.printf("[partition] %s: onLost %.0f ms after the cut, the other client granted %.0f ms after the cut%n",
                    client, (lostAt.get() - cutAt) / 1e6, (grantedAt - cutAt) / 1e6);
            proxy.restore();
            assertThrows(LockLostException.class, lease::release, "the lost holder is told, and frees nothing");
            assertTrue(taken.isValid());
            assertEquals(ReleaseOutcome.RELEASED, taken.release());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void serverRestart_waiterRecoversThroughTheFallback_andReconnects(String client) throws Exception {
        String name = name("restart");
        try (RedisServer server = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
             LockClient holder = open(server.port(), client, "");
             LockClient waiter = open(server.port(), client, "fallback=1s")) {
            Lease held = holder.lock(name).acquire(Duration.ofSeconds(30));
            CompletableFuture<Lease> waiting = waiter.lock(name).acquireAsync(Duration.ofSeconds(30), Duration.ofSeconds(10)).toCompletableFuture();
            Thread.sleep(300);
            server.restart(); // persisted: the hold survives, the pub/sub connections do not
            Thread.sleep(300);
            retry(held::release);
            Lease next = waiting.get(scaledMillis(10_000), TimeUnit.MILLISECONDS);
            assertTrue(next.fencingToken() > held.fencingToken(), "the fence counter survived the restart (AOF)");
            next.release();
        }
    }

    private static LockUnavailableException assertFailsClearly(Supplier<?> call) {
        LockUnavailableException e = assertThrows(LockUnavailableException.class, call::get);
        assertTrue(e.getMessage().startsWith("redis "), e.getMessage());
        return e;
    }

    /** Retries a call that fails with LockUnavailableException for up to 5 s (reconnecting clients). */
    private static <T> T retry(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scaledMillis(5_000));
        while (true) {
            try {
                return call.get();
            } catch (LockUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
