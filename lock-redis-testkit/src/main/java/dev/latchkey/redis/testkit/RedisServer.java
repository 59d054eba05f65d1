package dev.latchkey.redis.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code redis-server} process on a free port of 127.0.0.1, which a test can kill,
 * pause, resume and restart on the same port.
 *
 * <p>The server runs the binary chosen by {@link RedisBinary#get()} with
 * {@code --port <free port> --bind 127.0.0.1 --save "" --appendonly no --dir <own directory>}
 * (and, from Redis 7 on, {@code --enable-debug-command local} so that tests may use
 * {@code DEBUG SLEEP}), followed by any extra arguments, which therefore win. Its stdout and
 * stderr go to {@link #logFile()}, in a fresh directory under {@code target/redis-testkit/} when
 * the working directory has a {@code target/} (as under Maven), else under
 * {@code ${java.io.tmpdir}/latchkey-redis-testkit/}. A failure to start throws
 * {@link IllegalStateException} with the end of that log; it never yields a skipped test.
 * The process is killed when the JVM exits if {@link #close()} was not called.
 *
 * <p>Thread-safe. The lifecycle methods are synchronized with each other; {@link #call} and
 * {@link #command} open their own connection and block nothing else, so a test may call
 * {@link #resume()} while another thread waits on a paused server.
 */
public final class RedisServer implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final int START_ATTEMPTS = 3;
    private static final int CLUSTER_BUS_OFFSET = 10_000;
    private static final int LOG_TAIL_LINES = 30;

    private final RedisBinary binary;
    private final int port;
    private final Path log;
    private final List<String> commandLine;
    private Process process; // guarded by this
    private boolean paused; // guarded by this

    private RedisServer(RedisBinary binary, int port, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        Path dir = newDirectory(port);
        this.log = dir.resolve("redis.log");
        List<String> line = new ArrayList<>(List.of(binary.path().toString(),
                "--port", Integer.toString(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", dir.toString()));
        if (binary.majorVersion() >= 7) {
            line.addAll(List.of("--enable-debug-command", "local")); // off by default since Redis 7
        }
        line.addAll(extraArgs);
        this.commandLine = List.copyOf(line);
    }

    private static RedisServer shared;

    /**
     * One server per JVM for tests that only use it (no kill, pause, restart or configuration
     * change), so that a module's test classes do not each start their own. Started on first use
     * (again if it died); do not close it: the JVM's exit stops it, like every server started here.
     * Tests sharing it must use distinct key names.
     */
    public static synchronized RedisServer shared() {
        if (shared == null || !shared.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /**
     * Starts a server and waits until it answers PING.
     *
     * @throws IllegalStateException if no binary is available or the server does not answer
     *     within 10 s; the message includes the end of its log
     */
    public static RedisServer start() {
        return start(RedisBinary.get());
    }

    /**
     * Starts a server with extra command-line arguments, for example
     * {@code start("--maxmemory", "1mb")}, and waits until it answers PING.
     *
     * @throws IllegalStateException as {@link #start()}
     */
    public static RedisServer start(String... extraArgs) {
        return start(RedisBinary.get(), extraArgs);
    }

    static RedisServer start(RedisBinary binary, String... extraArgs) {
        List<String> args = List.of(extraArgs);
        boolean clusterBus = clusterEnabled(args);
        for (int attempt = 1; ; attempt++) {
            RedisServer server = new RedisServer(binary, freePort(clusterBus), args);
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                // Someone else may have bound the port between our probe and the server's bind.
                if (attempt == START_ATTEMPTS || !server.logTail().contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /** The port, the same across {@link #restart()}. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /** The process id of the current (or last) server process. */
    public synchronized long pid() {
        return process.pid();
    }

    /** The file that receives the server's stdout and stderr, across restarts. */
    public Path logFile() {
        return log;
    }

    /** Whether the process runs; a paused process counts as alive. */
    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and waits until the process has exited.
     * Its port then refuses connections. Does nothing if the server is not running.
     */
    public synchronized void kill() {
        killProcess();
    }

    /**
     * Freezes the server with SIGSTOP: connections are still accepted by the kernel, but no
     * command is answered until {@link #resume()}.
     *
     * @throws IllegalStateException if the server is not running
     */
    public synchronized void pause() {
        requireAlive("pause");
        signal("STOP");
        paused = true;
    }

    /** Continues a paused server with SIGCONT; does nothing if it is not paused. */
    public synchronized void resume() {
        if (paused && process.isAlive()) {
            signal("CONT");
        }
        paused = false;
    }

    /**
     * Freezes the server (SIGSTOP) for {@code duration}, then lets it go on (SIGCONT), even if the
     * wait is interrupted (the interrupt flag is kept).
     */
    public void pauseFor(Duration duration) {
        pause();
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            resume();
        }
    }

    /**
     * Starts the server again on the same port and waits until it answers PING; a running server is
     * stopped first. Data is lost unless the extra arguments enabled persistence.
     *
     * @throws IllegalStateException if it does not answer within 10 s (for example, because another
     *     process took the port meanwhile)
     */
    public synchronized void restart() {
        stop();
        launch();
    }

    /**
     * Stops the server: SIGTERM, then SIGKILL if it has not exited within 2 s (a paused server is
     * killed at once). Idempotent.
     */
    public synchronized void stop() {
        if (!paused) {
            process.destroy();
            if (awaitExit(STOP_GRACE)) {
                ProcessRegistry.unregister(process);
                return;
            }
        }
        killProcess();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Sends one command on a new connection and returns the parsed reply, waiting at most 2 s.
     *
     * @return a String (simple or bulk string), Long, List of these, or null
     * @throws RedisReplyException on an error reply
     * @throws UncheckedIOException if the server cannot be reached or does not answer in time (then
     *     the cause is a {@link java.net.SocketTimeoutException})
     */
    public Object call(String... args) {
        return call(COMMAND_TIMEOUT, args);
    }

    /**
     * As {@link #call(String...)}, with the given connect and read timeout, for example for
     * {@code DEBUG SLEEP}.
     */
    public Object call(Duration timeout, String... args) {
        return Resp.call(HOST, port, timeout, args);
    }

    /**
     * As {@link #call(String...)}, with the reply rendered as text: {@code "OK"}, {@code "42"},
     * {@code "(nil)"}, or numbered lines {@code "1) a\n2) b"} for an array.
     */
    public String command(String... args) {
        return Resp.render(call(args));
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", " + binary.describe() + "]";
    }

    /** The last lines of the log, for error messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    private synchronized void launch() {
        try {
            process = new ProcessBuilder(commandLine)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run redis-server " + binary.describe() + ": " + e.getMessage(), e);
        }
        ProcessRegistry.register(process);
        paused = false;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            String problem = null;
            if (!process.isAlive()) {
                problem = "exited with code " + process.exitValue() + " while starting";
            } else if (System.nanoTime() - deadline > 0) {
                problem = "did not answer PING within " + START_TIMEOUT.toSeconds() + " s";
            } else {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    problem = "was interrupted while starting";
                }
            }
            if (problem != null) {
                killProcess();
                throw new IllegalStateException("redis-server on " + HOST + ":" + port + " " + problem
                        + "\n  binary: " + binary.describe()
                        + "\n  command: " + String.join(" ", commandLine)
                        + "\n  log " + log + " ends with:\n" + logTail());
            }
        }
    }

    /** PING is answered, and by this process rather than another server holding the port. */
    private boolean answersPing() {
        try {
            return "PONG".equals(call(PROBE_TIMEOUT, "PING"))
                    && String.valueOf(call(PROBE_TIMEOUT, "INFO", "server")).contains("\nprocess_id:" + process.pid() + "\r");
        } catch (RedisReplyException e) {
            // A server started with --requirepass refuses PING before AUTH: trust its own log line instead.
            return String.valueOf(e.getMessage()).startsWith("NOAUTH") && logSaysReady();
        } catch (UncheckedIOException notYet) {
            return false;
        }
    }

    private boolean logSaysReady() {
        try {
            return Files.readAllLines(log).stream()
                    .anyMatch(l -> l.startsWith(process.pid() + ":") && l.contains("Ready to accept connections"));
        } catch (IOException e) {
            return false;
        }
    }

    private void killProcess() {
        process.destroyForcibly();
        if (!awaitExit(KILL_TIMEOUT)) {
            throw new IllegalStateException("redis-server pid " + process.pid() + " has not exited after SIGKILL");
        }
        ProcessRegistry.unregister(process);
        paused = false;
    }

    /** Whether the process exited within the timeout; an interrupt ends the wait early. */
    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void requireAlive(String action) {
        if (!process.isAlive()) {
            throw new IllegalStateException("Cannot " + action + " redis-server on port " + port + ": it is not running");
        }
    }

    /**
     * Sends a signal with {@code kill}, as Java has no API for SIGSTOP and SIGCONT. The kernel acts
     * on it within microseconds, long before the {@code kill} process has been reaped.
     */
    private void signal(String name) {
        String pid = Long.toString(process.pid());
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, pid).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), UTF_8).strip();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + name + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + name + " to " + pid, e);
        }
    }

    private static boolean clusterEnabled(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equalsIgnoreCase("--cluster-enabled") && args.get(i + 1).equalsIgnoreCase("yes")) {
                return true;
            }
        }
        return false;
    }

    /** A free port; in cluster mode, one whose cluster bus port (10000 above) is free too. */
    private static int freePort(boolean clusterBus) {
        for (int i = 0; i < 100; i++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot find a free port on " + HOST + ": " + e, e);
            }
            if (!clusterBus || port + CLUSTER_BUS_OFFSET <= 65_535 && isFree(port + CLUSTER_BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("Cannot find a free port on " + HOST + " with a free cluster bus port");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path newDirectory(int port) {
        Path target = Path.of("target").toAbsolutePath();
        Path root = Files.isDirectory(target)
                ? target.resolve("redis-testkit")
                : Path.of(System.getProperty("java.io.tmpdir"), "latchkey-redis-testkit");
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, "redis-" + port + "-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a directory for redis-server under " + root + ": " + e, e);
        }
    }
}
