package dev.latchkey.redis.getset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad URIs, options and arguments fail at once with a message naming the problem; bad servers fail fast and clearly. */
class BadInputTest {
    private static RedisServer server;

    /** One server for the class; both clients are warmed up on it, so that time limits measure I/O, not class loading. */
    @BeforeAll
    static void startRedisAndWarmUp() {
        server = RedisServer.start();
        Redis.open(server, "jedis", "checked", "").close();
        Redis.open(server, "lettuce", "checked", "").close();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @Test
    void aMalformedUriIsRejectedWithTheExpectedShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open("redis-getset://127.0.0.1:notaport"));
        assertTrue(e.getMessage().contains("malformed") && e.getMessage().contains("redis-getset://host[:port]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Locks.open("redis-getset:opaque"));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Locks.open("redis-getset://127.0.0.1:1/notadb"));
        assertTrue(e.getMessage().contains("database"), e.getMessage());
    }

    @Test
    void anUnknownOptionIsRejectedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Locks.open("redis-getset://127.0.0.1:1?mode=article&retries=5"));
        assertTrue(e.getMessage().contains("unknown option 'retries'"), e.getMessage());
        assertTrue(e.getMessage().contains("known options: client, cluster, lease, mode, password, prefix, retry, sentinel, skew, timeout, tls, user"),
                e.getMessage());
    }

    @Test
    void invalidOptionValuesNameTheOption() {
        assertMessage("redis-getset://127.0.0.1:1?mode=fancy", "option 'mode' must be checked or article");
        assertMessage("redis-getset://127.0.0.1:1?retry=soon", "option 'retry'");
        assertMessage("redis-getset://127.0.0.1:1?retry=0ms", "option 'retry' must be at least 1ms");
        assertMessage("redis-getset://127.0.0.1:1?skew=--2s", "option 'skew'");
        assertMessage("redis-getset://127.0.0.1:1?client=redisson", "option 'client'");
        assertMessage("redis-getset://127.0.0.1:1?prefix=a%7Bb", "option 'prefix'");
    }

    @Test
    void anAbsurdLeaseIsRejectedBeforeConnecting() throws Exception {
        // port 1: nothing listens, so an attempt to connect would surface as LockUnavailableException instead
        assertMessage("redis-getset://127.0.0.1:1?lease=0ms", "option 'lease'");
        assertMessage("redis-getset://127.0.0.1:1?lease=400d", "exceeds the maximum");
        try (LockClient client = Redis.open(server, "jedis", "checked", "")) {
            var lock = client.lock("absurd");
            assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.acquire(Duration.ofDays(2)))
                    .getMessage().contains("lease"));
            assertThrows(IllegalArgumentException.class, () -> lock.acquire(Duration.ofMillis(-5)));
            assertThrows(IllegalArgumentException.class, () -> lock.tryAcquire(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
            assertThrows(IllegalArgumentException.class, () -> client.lock(""));
            assertThrows(IllegalArgumentException.class, () -> client.lock("x".repeat(Locks.MAX_NAME_BYTES + 1)));
        }
    }

    @Test
    void signedSkewsParse() {
        assertEquals(Duration.ofSeconds(-2), RedisGetSetLockProvider.signedDuration("-2s", "skew"));
        assertEquals(Duration.ofMillis(500), RedisGetSetLockProvider.signedDuration("+500ms", "skew"));
        assertEquals(Duration.ofMillis(-1500), RedisGetSetLockProvider.signedDuration(" -PT1.5S", "skew"));
        assertEquals(Duration.ZERO, RedisGetSetLockProvider.signedDuration("0ms", "skew"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void anUnreachableServerFailsClearlyWithinTheTimeout(String client) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there
        }
        long start = System.nanoTime();
        LockUnavailableException e = assertThrows(LockUnavailableException.class,
                () -> Locks.open("redis-getset://127.0.0.1:" + port + "?client=" + client + "&timeout=500ms"));
        assertTrue(Redis.millisSince(start) < Redis.scaledMillis(3_000), "took " + Redis.millisSince(start) + " ms");
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("could not be reached"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aServerThatNeverAnswersFailsWithinTheTimeout(String client) {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port())) {
            proxy.blackhole(); // connections are accepted, but no byte gets through
            long start = System.nanoTime();
            assertThrows(LockUnavailableException.class,
                    () -> Locks.open("redis-getset://127.0.0.1:" + proxy.port() + "?client=" + client + "&timeout=500ms"));
            long took = Redis.millisSince(start);
            assertTrue(took >= 400 && took < Redis.scaledMillis(5_000), "took " + took + " ms with timeout=500ms");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aWrongPasswordFailsClearlyAndARightOneWorks(String client) throws Exception {
        // Set after start: the testkit's readiness probe (an unauthenticated PING) would fail on --requirepass.
        try (RedisServer secured = RedisServer.start()) {
            secured.command("CONFIG", "SET", "requirepass", "s3cret-pw");
            String base = "redis-getset://127.0.0.1:" + secured.port() + "?client=" + client + "&timeout=2s&password=";
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> Locks.open(base + "wrong-pw"));
            String message = e.getMessage().toLowerCase(Locale.ROOT);
            assertTrue(message.contains("authentication") || message.contains("password"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw"), "the password must not leak: " + e.getMessage());
            e = assertThrows(LockUnavailableException.class,
                    () -> Locks.open("redis-getset://127.0.0.1:" + secured.port() + "?client=" + client));
            assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("auth"), e.getMessage());
            try (LockClient ok = Locks.open(base + "s3cret-pw"); Lease lease = ok.lock("pw").acquire(Duration.ofSeconds(5))) {
                assertTrue(lease.isValid());
            }
        }
    }

    private static void assertMessage(String uri, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open(uri));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
