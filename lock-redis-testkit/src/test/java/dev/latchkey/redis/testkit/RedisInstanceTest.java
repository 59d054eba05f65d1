package dev.latchkey.redis.testkit;

import static dev.latchkey.redis.testkit.Timing.scaled;
import static dev.latchkey.redis.testkit.Timing.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RedisInstance} does, on whatever {@link RedisServers#start()} gives: a process,
 * or with {@code LATCHKEY_REDIS_IMAGE} set, a container (and then, without a container engine, every
 * test here fails with the reason).
 */
class RedisInstanceTest {

    @Test
    void answersCommandsAtItsAddress() {
        try (RedisInstance redis = RedisServers.start()) {
            assertEquals("redis://" + redis.host() + ":" + redis.port(), redis.uri());
            assertTrue(redis.isAlive());
            assertEquals("OK", redis.command("SET", "k", "v"));
            assertEquals("v", redis.call("GET", "k"));
            assertEquals("(nil)", redis.command("GET", "missing"));
        }
    }

    @Test
    void pausedInstanceAnswersAfterResume() throws Exception {
        try (RedisInstance redis = RedisServers.start()) {
            redis.pause();
            assertTrue(redis.isAlive(), "a paused server counts as running");
            UncheckedIOException timedOut = assertThrows(UncheckedIOException.class, () -> redis.call(Duration.ofMillis(300), "PING"));
            assertInstanceOf(SocketTimeoutException.class, timedOut.getCause());
            CompletableFuture<Object> reply = CompletableFuture.supplyAsync(() -> redis.call(Duration.ofSeconds(30), "PING"));
            redis.resume();
            assertEquals("PONG", reply.get(scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS));

            Duration pause = Duration.ofMillis(300);
            long start = System.nanoTime();
            redis.pauseFor(pause);
            assertTrue(since(start).compareTo(pause) >= 0);
            assertEquals("PONG", redis.call("PING"));
        }
    }

    @Test
    void killedInstanceRefusesConnectionsAndCloseIsIdempotent() {
        RedisInstance redis = RedisServers.start();
        redis.kill();
        assertFalse(redis.isAlive());
        assertThrows(UncheckedIOException.class, () -> redis.call("PING"));
        redis.close();
        redis.close();
        assertFalse(redis.isAlive());
    }
}
