package dev.latchkey.redis.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM that ends without closing its servers leaves no process and no directory behind: neither
 * when it exits (the shutdown hook) nor when it is killed with SIGKILL (the watchdog).
 */
class NoLeftoversTest {

    /**
     * Runs in the child JVM: starts a running, a paused and a stopped (not closed) server, prints
     * {@code server <pid> <directory>} for each and {@code ready}; then exits, or with the argument
     * {@code hang}, waits to be killed.
     */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedRedis running = EmbeddedRedis.start();
        EmbeddedRedis paused = EmbeddedRedis.builder().appendOnlyFsyncAlways().start();
        paused.pause();
        EmbeddedRedis stopped = EmbeddedRedis.start();
        stopped.stop();
        for (EmbeddedRedis server : List.of(running, paused, stopped)) {
            System.out.println("server " + server.pid() + " " + server.directory());
        }
        System.out.println("ready");
        if (args.length > 0 && args[0].equals("hang")) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void jvmExitKillsEveryServerAndDeletesEveryDirectory() throws Exception {
        Process child = child("exit");
        List<String> lines = readUntilReady(child);
        assertTrue(child.waitFor(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS), lines.toString());
        assertEquals(0, child.exitValue(), lines.toString());
        assertGone(lines, Duration.ofSeconds(5), true);
    }

    @Test
    void sigkillOfTheJvmKillsItsServersWithin5Seconds() throws Exception {
        Process child = child("hang");
        List<String> lines = readUntilReady(child);
        for (String line : servers(lines).subList(0, 2)) {
            assertFalse(Timing.exited(pid(line)), "redis-server " + line + " should run before the kill");
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        // Only the watchdogs of running servers are left: the stopped server's directory stays.
        assertGone(lines, Duration.ofSeconds(5), false);
    }

    private static Process child(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NoLeftoversTest.class.getName(), mode)
                .redirectErrorStream(true)
                .start();
    }

    private static List<String> readUntilReady(Process child) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        for (String line = out.readLine(); line != null && !line.equals("ready"); line = out.readLine()) {
            lines.add(line);
        }
        assertEquals(3, servers(lines).size(), "the child's output: " + lines);
        return lines;
    }

    /** Every server's process has exited, and its directory is gone (the stopped one's too, if asked). */
    private static void assertGone(List<String> lines, Duration limit, boolean stoppedDirectoryToo) {
        List<String> servers = servers(lines);
        for (int i = 0; i < servers.size(); i++) {
            long pid = pid(servers.get(i));
            Path dir = Path.of(servers.get(i).split(" ")[2]);
            Timing.await("redis-server pid " + pid + " has exited", () -> Timing.exited(pid), limit);
            if (i < 2 || stoppedDirectoryToo) {
                Timing.await(dir + " is deleted", () -> !Files.exists(dir), limit);
            } else {
                ProcessRegistry.delete(dir); // the test's own clean-up
            }
        }
    }

    private static List<String> servers(List<String> lines) {
        return lines.stream().filter(line -> line.startsWith("server ")).toList();
    }

    private static long pid(String serverLine) {
        return Long.parseLong(serverLine.split(" ")[1]);
    }
}
