package dev.latchkey.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.latchkey.redis.embedded.EmbeddedRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lockctl leaves nothing behind: no key on a real Redis after {@code demo} and {@code tck}, no file in
 * the user's directory, and no redis-server after its JVM ends, even by SIGKILL.
 */
class NothingLeftBehindTest {
    /** The demo's header line naming its throw-away server. */
    private static final Pattern SERVER = Pattern.compile("redis-server, pid (\\d+), at \\S+ in (\\S+); removed on exit");

    private static EmbeddedRedis redis;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.start(); // a real server of the test's own, not lockctl's 'embedded' host
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void theDemoLeavesNoKeyOnARealServer() throws IOException {
        String at = "://127.0.0.1:" + redis.port();
        Cli.Result r = Cli.run("demo", "--uri", "redis-getset" + at + "?mode=article", "--uri", "redis-lua" + at,
                "--workers", "3", "--rounds", "2", "--lease", "500ms", "--crash");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertNoKeys(r);
    }

    @Test
    void theTckLeavesNoKeyOnARealServer() throws IOException {
        // One rule of each kind that writes keys: contention, a stale holder, expiry, a crashed child JVM,
        // fencing, renewal, fairness, async, the GETSET race. (The whole kit was checked the same way by hand.)
        Cli.Result r = Cli.run("tck", "--uri", "redis-lua://127.0.0.1:" + redis.port(), "--rule",
                "MX-02,OW-01,LE-02,LE-04,LE-06,FE-03,RN-02,FR-02,AS-03,NP-01");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertNoKeys(r);
    }

    @Test
    void aDemoLeavesNothingInTheWorkingDirectoryAndStopsItsServer(@TempDir Path cwd) throws Exception {
        Process child = lockctl(cwd, "demo", "--workers", "2", "--rounds", "1", "--lease", "500ms");
        Matcher server = awaitServer(child);
        assertTrue(child.waitFor(Cli.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS), "the demo should end");
        assertEquals(0, child.exitValue());
        long pid = Long.parseLong(server.group(1));
        await("redis-server " + pid + " has exited", () -> gone(pid), Duration.ofSeconds(5));
        assertFalse(Files.exists(Path.of(server.group(2))), "the server's directory is removed");
        try (Stream<Path> files = Files.list(cwd)) {
            assertEquals(List.of(), files.toList(), "nothing is written to the working directory");
        }
    }

    @Test
    void aSigkilledDemoTakesItsServerWithItWithinFiveSeconds(@TempDir Path cwd) throws Exception {
        Process child = lockctl(cwd, "demo");
        Matcher server = awaitServer(child);
        long pid = Long.parseLong(server.group(1));
        List<ProcessHandle> started = child.toHandle().descendants().toList();
        assertTrue(started.stream().anyMatch(p -> p.pid() == pid), () -> "the server is the demo's descendant: " + started);
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        await("every process the demo started has exited: " + started,
                () -> started.stream().allMatch(p -> gone(p.pid())), Duration.ofSeconds(5));
        await("the server's directory is removed", () -> !Files.exists(Path.of(server.group(2))), Duration.ofSeconds(5));
    }

    /** {@code lockctl ARGS} in a child JVM on the test class path, in {@code cwd}. */
    private static Process lockctl(Path cwd, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Lockctl.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
    }

    /** Reads the child's output until the header names its server; the rest of the output is drained in the background. */
    private static Matcher awaitServer(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            Matcher m = SERVER.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return m;
            }
        }
        return fail("the demo never named its server:\n" + seen);
    }

    /** No process has this pid any more (a zombie not yet reaped by PID 1 still counts as one). */
    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + Cli.scaled(limit).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + Cli.scaled(limit) + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void assertNoKeys(Cli.Result r) throws IOException {
        List<String> keys = command("KEYS *");
        assertEquals(List.of(), keys, () -> "keys left on the server:\n" + r);
        assertEquals(List.of("0"), command("DBSIZE"), r::toString);
    }

    /** One inline command; the reply as lines (an integer, or the elements of an array of bulk strings). */
    private static List<String> command(String inline) throws IOException {
        try (Socket socket = new Socket(redis.host(), redis.port())) {
            socket.getOutputStream().write((inline + "\r\n").getBytes(US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            String head = in.readLine();
            List<String> out = new ArrayList<>();
            if (head.startsWith(":")) {
                out.add(head.substring(1));
            } else if (head.startsWith("*")) {
                for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
                    in.readLine(); // $length
                    out.add(in.readLine());
                }
            } else {
                fail(inline + " answered " + head);
            }
            return out;
        }
    }
}
