package dev.latchkey.redis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** This module's tests' helpers for time (scaled by {@link TestTime}), processes and replication. */
final class Timing {

    private Timing() {
    }

    static Duration scaled(Duration limit) {
        return TestTime.scaled(limit);
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Polls until the condition holds, failing after the scaled limit. */
    static void await(String what, BooleanSupplier condition, Duration limit) {
        TestTime.await(what, limit, condition);
    }

    /** Whether no process has this pid; a zombie (exited, not yet reaped) still counts as one. */
    static boolean exited(long pid) {
        return ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true);
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
}
