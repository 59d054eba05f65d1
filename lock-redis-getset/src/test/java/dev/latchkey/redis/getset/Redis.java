package dev.latchkey.redis.getset;

import static org.junit.jupiter.api.Assertions.fail;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Helpers shared by the tests: URIs for a real server, the client × mode matrix, scaled time limits. */
final class Redis {
    static final double TIME_SCALE = Double.parseDouble(System.getProperty("latchkey.timeScale", "1"));

    private Redis() {
    }

    /** {@code redis-getset://127.0.0.1:<port>?client=…&mode=…} followed by {@code extra} (e.g. {@code "&retry=10ms"}). */
    static String uri(RedisServer server, String client, String mode, String extra) {
        return "redis-getset://127.0.0.1:" + server.port() + "?client=" + client + "&mode=" + mode + extra;
    }

    static LockClient open(RedisServer server, String client, String mode, String extra) {
        return Locks.open(uri(server, client, mode, extra));
    }

    /** The Redis key of a lock with the default prefix. */
    static String key(String name) {
        return "latchkey:{" + name + "}:getset";
    }

    /** Every client × mode combination, for {@code @MethodSource}. */
    static Stream<Arguments> clientsAndModes() {
        return Stream.of(Arguments.of("jedis", "article"), Arguments.of("jedis", "checked"),
                Arguments.of("lettuce", "article"), Arguments.of("lettuce", "checked"));
    }

    /** A generous upper bound, stretched by {@code latchkey.timeScale}. */
    static long scaledMillis(long millis) {
        return (long) (millis * TIME_SCALE);
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static void await(String what, BooleanSupplier condition, long limitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + scaledMillis(limitMillis) * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + scaledMillis(limitMillis) + " ms waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
