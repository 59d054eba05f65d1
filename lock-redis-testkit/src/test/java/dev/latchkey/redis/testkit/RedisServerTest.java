package dev.latchkey.redis.testkit;

import static dev.latchkey.redis.testkit.Timing.scaled;
import static dev.latchkey.redis.testkit.Timing.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void startsOnLoopbackWithoutPersistenceAndAnswersPing() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertEquals("127.0.0.1", server.host());
            assertEquals("redis://127.0.0.1:" + server.port(), server.uri());
            assertEquals("PONG", server.command("PING"));
            assertTrue(server.isAlive());
            assertTrue(String.valueOf(server.call("INFO", "server")).contains("process_id:" + server.pid() + "\r\n"));
            assertEquals(List.of("save", ""), server.call("CONFIG", "GET", "save"));
            assertEquals(List.of("appendonly", "no"), server.call("CONFIG", "GET", "appendonly"));
            assertTrue(Files.readString(server.logFile()).contains("Ready to accept connections"));
        }
    }

    @Test
    void passesExtraArguments() {
        try (RedisServer server = RedisServer.start("--maxmemory", "1mb")) {
            assertEquals(List.of("maxmemory", "1048576"), server.call("CONFIG", "GET", "maxmemory"));
        }
    }

    @Test
    void callParsesEveryReplyType() {
        try (RedisServer server = RedisServer.start()) {
            assertEquals("OK", server.call("SET", "k", "välue"));
            assertEquals("välue", server.call("GET", "k"));
            assertNull(server.call("GET", "missing"));
            assertEquals(1L, server.call("INCR", "n"));
            assertEquals(2L, server.call("RPUSH", "list", "a", "b"));
            assertEquals(List.of("a", "b"), server.call("LRANGE", "list", "0", "-1"));
            assertEquals(List.of(), server.call("LRANGE", "missing", "0", "-1"));
            RedisReplyException error = assertThrows(RedisReplyException.class, () -> server.call("INCR", "k"));
            assertTrue(error.getMessage().startsWith("ERR value is not an integer"), error.getMessage());
        }
    }

    @Test
    void commandRendersRepliesAsText() {
        try (RedisServer server = RedisServer.start()) {
            assertEquals("OK", server.command("SET", "n", "41"));
            assertEquals("42", server.command("INCR", "n"));
            assertEquals("(nil)", server.command("GET", "missing"));
            server.command("RPUSH", "list", "a", "b");
            assertEquals("1) a\n2) b", server.command("LRANGE", "list", "0", "-1"));
            assertEquals("(empty array)", server.command("LRANGE", "missing", "0", "-1"));
            assertEquals("OK", server.command("FLUSHALL"));
            assertEquals("0", server.command("DBSIZE"));
        }
    }

    @Test
    void debugSleepHoldsTheServer() {
        try (RedisServer server = RedisServer.start()) {
            long start = System.nanoTime();
            assertEquals("OK", server.call(Duration.ofSeconds(10), "DEBUG", "SLEEP", "0.3"));
            assertTrue(since(start).compareTo(Duration.ofMillis(300)) >= 0, "slept only " + since(start));
        }
    }

    @Test
    void failureToStartThrowsWithTheLogTail() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisServer.start("--no-such-directive", "x"));
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("Bad directive"), e.getMessage());
    }

    @Test
    void killRefusesConnectionsAndRestartComesBackOnTheSamePort() {
        try (RedisServer server = RedisServer.start()) {
            server.call("SET", "k", "v");
            int port = server.port();
            long firstPid = server.pid();

            server.kill();
            assertFalse(server.isAlive());
            assertTrue(Timing.exited(firstPid));
            UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> server.call("PING"));
            assertInstanceOf(ConnectException.class, refused.getCause());
            server.kill(); // nothing to kill: no effect

            server.restart();
            assertEquals(port, server.port());
            assertNotEquals(firstPid, server.pid());
            assertEquals("PONG", server.command("PING"));
            assertNull(server.call("GET", "k"), "nothing was persisted");
        }
    }

    @Test
    void pausedServerTimesOutAndAnswersAgainAfterResume() {
        try (RedisServer server = RedisServer.start()) {
            server.pause();
            assertTrue(server.isAlive());
            Duration timeout = Duration.ofMillis(300);
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> server.call(timeout, "PING"));
            Duration elapsed = since(start);
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertTrue(elapsed.compareTo(timeout) >= 0, "timed out after only " + elapsed);
            assertTrue(elapsed.compareTo(scaled(Duration.ofSeconds(5))) < 0, "took " + elapsed);

            server.resume();
            assertEquals("PONG", server.command("PING"));
            server.resume(); // not paused: no effect
        }
    }

    @Test
    void clientWaitingOnPausedServerIsAnsweredAfterResume() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.pause();
            CompletableFuture<Object> reply = CompletableFuture.supplyAsync(() -> server.call(Duration.ofSeconds(30), "PING"));
            Thread.sleep(300);
            assertFalse(reply.isDone(), "a paused server answered");
            server.resume();
            assertEquals("PONG", reply.get(scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void restartWorksOnRunningAndPausedServers() {
        try (RedisServer server = RedisServer.start()) {
            server.restart();
            assertEquals("PONG", server.command("PING"));
            server.pause();
            server.restart();
            assertEquals("PONG", server.command("PING"));
        }
    }

    @Test
    void stopShutsDownGracefullyAndIsIdempotent() throws IOException {
        RedisServer server = RedisServer.start();
        long pid = server.pid();
        server.stop();
        assertFalse(server.isAlive());
        assertTrue(Timing.exited(pid));
        assertTrue(Files.readString(server.logFile()).contains("ready to exit"), "no graceful shutdown in the log");
        server.stop();
        server.close();
        assertThrows(UncheckedIOException.class, () -> server.call("PING"));
        assertThrows(IllegalStateException.class, server::pause);
    }

    @Test
    void closeEndsAPausedServer() {
        RedisServer server = RedisServer.start();
        long pid = server.pid();
        server.pause();
        long start = System.nanoTime();
        server.close();
        assertTrue(since(start).compareTo(scaled(Duration.ofSeconds(5))) < 0, "close took " + since(start));
        assertFalse(server.isAlive());
        assertTrue(Timing.exited(pid));
    }

    @Test
    void startsWithRequirePassAndRefusesUnauthenticatedCommands() {
        try (RedisServer server = RedisServer.start("--requirepass", "s3cret")) {
            assertTrue(server.isAlive());
            RedisReplyException refused = assertThrows(RedisReplyException.class, () -> server.call("PING"));
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
        }
    }

    @Test
    void sharedIsOneServerPerJvmAndComesBackIfItDied() {
        RedisServer first = RedisServer.shared();
        assertTrue(first == RedisServer.shared(), "a second call must return the same server");
        assertEquals("PONG", first.call("PING"));
        first.kill();
        RedisServer second = RedisServer.shared();
        assertTrue(second != first && second.isAlive(), "a dead shared server is replaced");
        assertEquals("PONG", second.call("PING"));
    }
}
