package dev.latchkey.redis.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that exits without closing its servers, one of them paused, leaves no process behind. */
class ShutdownHookTest {

    /** Runs in the child JVM: starts two servers, pauses one, prints their pids, and exits. */
    public static void main(String[] args) {
        RedisServer running = RedisServer.start();
        RedisServer paused = RedisServer.start();
        paused.pause();
        System.out.println("pid " + running.pid());
        System.out.println("pid " + paused.pid());
    }

    @Test
    void jvmExitKillsEveryServerItStarted() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ShutdownHookTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), UTF_8);
        assertTrue(child.waitFor(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS), output);
        assertEquals(0, child.exitValue(), output);

        List<Long> pids = output.lines().filter(line -> line.startsWith("pid ")).map(line -> Long.valueOf(line.substring(4))).toList();
        assertEquals(2, pids.size(), output);
        for (long pid : pids) {
            Timing.await("redis-server pid " + pid + " has exited", () -> Timing.exited(pid), Duration.ofSeconds(10));
        }
    }
}
