package dev.latchkey.redis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Scalable time limits for tests: the factor is the system property {@code latchkey.timeScale},
 * else the environment variable {@code LATCHKEY_TIME_SCALE}, else 1.
 */
final class Timing {

    private static final double SCALE = Double.parseDouble(firstNonBlank(
            System.getProperty("latchkey.timeScale"), System.getenv("LATCHKEY_TIME_SCALE"), "1"));

    private Timing() {
    }

    static Duration scaled(Duration limit) {
        return Duration.ofMillis((long) (limit.toMillis() * SCALE));
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Polls until the condition holds, failing after the scaled limit. */
    static void await(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + scaled(limit).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + scaled(limit) + " waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted waiting until " + what);
            }
        }
    }

    /**
     * {@code SET key value}, then {@code WAIT replicas <scaled timeout>}, on one connection (WAIT
     * counts the acknowledgements of that connection's own writes): how many replicas have the write.
     */
    static long setAndWait(RedisInstance master, String key, String value, int replicas, Duration timeout) {
        Duration wait = scaled(timeout);
        try (Socket socket = new Socket(master.host(), master.port())) {
            socket.setSoTimeout((int) wait.plusSeconds(2).toMillis());
            socket.getOutputStream().write(Resp.encode("SET", key, value));
            socket.getOutputStream().write(Resp.encode("WAIT", Integer.toString(replicas), Long.toString(wait.toMillis())));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            assertEquals("OK", Resp.read(in));
            return (Long) Resp.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean exited(long pid) {
        return ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true);
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        throw new IllegalArgumentException("no value");
    }
}
