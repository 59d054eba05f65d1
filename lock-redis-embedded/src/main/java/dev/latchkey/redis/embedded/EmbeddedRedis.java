package dev.latchkey.redis.embedded;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code redis-server} process on a free port of 127.0.0.1, which can be killed, paused,
 * resumed and restarted on the same port.
 *
 * <p>It runs the binary chosen by {@link RedisBinary#get()} (or {@link Builder#binary}) with
 * {@code --port <free port> --bind 127.0.0.1 --dir <data directory> --save "" --appendonly no},
 * followed by the {@link Builder}'s options in the order given, so a later option wins. Everything
 * it writes lives in a fresh directory under {@code java.io.tmpdir} ({@code latchkey-redis-*}, see
 * {@link #directory()}): the server's stdout and stderr in {@link #logFile()}, its data in
 * {@code data/}. {@link #close()} deletes that directory, and so does the JVM's exit.
 *
 * <p><b>No server outlives its JVM</b>, even one killed with SIGKILL, which runs no shutdown hook:
 * {@code redis-server} is started through {@code /bin/sh}, whose watchdog child waits for the end
 * of the pipe that the JVM holds open as the server's stdin. When the JVM dies, the kernel closes
 * that pipe at once; the watchdog then kills the server with SIGKILL and deletes its directory. It
 * needs only {@code /bin/sh}, as on any Linux or macOS, and costs no polling. (A server that was
 * stopped but not closed has no watchdog: its directory outlives a SIGKILLed JVM.)
 *
 * <p>Starting waits until the server answers {@code INFO} with its own process id (not that of
 * another server holding the port); a server started with {@code --requirepass} answers only
 * {@code NOAUTH}, and is ready when its log says so. A failure to start throws
 * {@link IllegalStateException} with the end of the log.
 *
 * <p>Thread-safe: the lifecycle methods are synchronized with each other.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final int START_ATTEMPTS = 3;
    private static final int CLUSTER_BUS_OFFSET = 10_000;
    private static final int LOG_TAIL_LINES = 30;

    /**
     * Runs as {@code sh -c WATCHDOG watchdog <directory> <redis-server> <args...>}. {@code exec} hands
     * the shell's pid, {@code $$}, on to redis-server, so that Java knows the server's pid. Before, a
     * background child reads the pipe from the JVM (saved as fd 3, since a background job's stdin is
     * /dev/null) until its end. The JVM closes that pipe only after it has reaped the exited server, so
     * if {@code $$} still runs at the end of the pipe, the JVM is gone: the child kills the server and
     * deletes its directory. ({@code Process.destroy()} closes the pipe before the process has exited:
     * signals are sent through {@link ProcessHandle} instead.)
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0",
            "(",
            "  while read -r _ <&3; do :; done",
            "  kill -KILL $$ 2>/dev/null && rm -rf \"$1\"",
            ") &",
            "shift",
            "exec \"$@\" 3<&-");

    private final RedisBinary binary;
    private final int port;
    private final Path directory;
    private final Path data;
    private final Path log;
    private final List<String> sentinelConfig; // null unless a sentinel
    private final List<String> commandLine;
    private Process process; // guarded by this; null before the first launch
    private boolean paused; // guarded by this
    private boolean closed; // guarded by this

    private EmbeddedRedis(Builder builder, RedisBinary binary, int port) {
        this.binary = binary;
        this.port = port;
        try {
            this.directory = Files.createTempDirectory("latchkey-redis-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a directory for redis-server under "
                    + System.getProperty("java.io.tmpdir") + ": " + e, e);
        }
        ProcessRegistry.register(directory);
        this.data = directory.resolve("data");
        this.log = directory.resolve("redis.log");
        this.sentinelConfig = builder.sentinelConfig;
        List<String> line = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "latchkey-redis-watchdog",
                directory.toString(), binary.path().toString()));
        if (sentinelConfig != null) {
            line.addAll(List.of(sentinelFile().toString(), "--sentinel"));
        }
        line.addAll(List.of("--port", Integer.toString(port), "--bind", HOST, "--dir", data.toString(),
                "--save", "", "--appendonly", "no"));
        if (builder.debugCommand && binary.majorVersion() >= 7) {
            line.addAll(List.of("--enable-debug-command", "local")); // off by default since Redis 7
        }
        line.addAll(builder.options);
        this.commandLine = List.copyOf(line);
    }

    /** A builder for a server with options; {@code builder().start()} is a plain server. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a plain server (no persistence) and waits until it is ready.
     *
     * @throws IllegalStateException if no binary is available or the server is not ready within 10 s;
     *     the message includes the end of its log
     */
    public static EmbeddedRedis start() {
        return builder().start();
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /** The port, the same across restarts. */
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

    /** Whether the process runs; a paused process counts as alive. */
    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /** The temporary directory of this server, deleted by {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /** The file that receives the server's stdout and stderr, across restarts, until {@link #close()}. */
    public Path logFile() {
        return log;
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and waits until the process has exited.
     * Its port then refuses connections. Does nothing if the server is not running.
     */
    public synchronized void kill() {
        killProcess();
    }

    /**
     * Freezes the server with SIGSTOP: the kernel still accepts connections and data, but no command
     * is answered until {@link #resume()}.
     *
     * @throws IllegalStateException if the server is not running
     */
    public synchronized void pause() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Cannot pause redis-server on port " + port + ": it is not running");
        }
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
     * Starts the server again on the same port, with the same options and data directory, and waits
     * until it is ready; a running server is stopped first. Data survives only if the options enabled
     * persistence (for example {@link Builder#appendOnlyFsyncAlways()}); a cluster node keeps its
     * identity ({@code nodes.conf}), a sentinel its state.
     *
     * @throws IllegalStateException if it is not ready within 10 s (for example, because another
     *     process took the port meanwhile), or if the server is closed
     */
    public synchronized void restart() {
        requireOpen();
        stop();
        launch();
    }

    /**
     * As {@link #restart()}, but with an empty data directory: the server comes back with no data, a
     * cluster node as a new node that knows no cluster, a sentinel with only its initial configuration.
     */
    public synchronized void restartEmpty() {
        requireOpen();
        stop();
        ProcessRegistry.delete(data);
        launch();
    }

    /**
     * Stops the server: SIGTERM, then SIGKILL if it has not exited within 2 s (a paused server is
     * killed at once). Keeps its directory, so that it can be restarted. Idempotent.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (!paused) {
            process.toHandle().destroy(); // Process.destroy() would close the watchdog's pipe at once
            if (awaitExit(STOP_GRACE)) {
                ProcessRegistry.unregister(process);
                return;
            }
        }
        killProcess();
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
        closed = true;
        ProcessRegistry.delete(directory);
    }

    @Override
    public String toString() {
        return "EmbeddedRedis[" + uri() + ", " + binary.describe() + "]";
    }

    private static EmbeddedRedis start(Builder builder) {
        RedisBinary binary = builder.binary != null ? builder.binary : RedisBinary.get();
        for (int attempt = 1; ; attempt++) {
            EmbeddedRedis server = new EmbeddedRedis(builder, binary, freePort(builder.cluster));
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                String tail = server.logTail();
                server.close();
                // Someone else may have bound the port between our probe and the server's bind.
                if (attempt == START_ATTEMPTS || !tail.contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private synchronized void launch() {
        try {
            Files.createDirectories(data);
            if (sentinelConfig != null && !Files.exists(sentinelFile())) {
                Files.write(sentinelFile(), sentinelConfig, UTF_8);
            }
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
        while (!ready()) {
            String problem = null;
            if (!process.isAlive()) {
                problem = "exited with code " + process.exitValue() + " while starting";
            } else if (System.nanoTime() - deadline > 0) {
                problem = "was not ready within " + START_TIMEOUT.toSeconds() + " s";
            } else {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    problem = "was interrupted while starting";
                }
            }
            if (problem != null) {
                killProcess();
                throw new IllegalStateException("redis-server on " + HOST + ":" + port + " " + problem
                        + "\n  binary: " + binary.describe()
                        + "\n  command: " + String.join(" ", commandLine.subList(5, commandLine.size()))
                        + "\n  log " + log + " ends with:\n" + logTail());
            }
        }
    }

    /**
     * INFO is answered, with this process's id, and the data set is loaded (INFO is answered while an
     * append-only file is still being read, and every other command is refused with LOADING); or, with a
     * password set, the log says it is ready (it says so once the data is loaded).
     */
    private boolean ready() {
        String reply;
        try {
            reply = probe("INFO");
        } catch (IOException notYet) {
            return false;
        }
        if (reply.startsWith("-NOAUTH")) {
            return logSaysReady();
        }
        return reply.contains("\nprocess_id:" + process.pid() + "\r") && !reply.contains("\nloading:1\r");
    }

    /** Sends one inline command and returns an error line, or the text of a bulk string reply. */
    private String probe(String inlineCommand) throws IOException {
        int millis = (int) PROBE_TIMEOUT.toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), millis);
            socket.setSoTimeout(millis);
            socket.getOutputStream().write((inlineCommand + "\r\n").getBytes(US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String header = readLine(in);
            if (!header.startsWith("$")) {
                return header;
            }
            int length = Integer.parseInt(header.substring(1));
            byte[] body = in.readNBytes(Math.max(0, length));
            if (body.length < length) {
                throw new EOFException("truncated reply to " + inlineCommand);
            }
            return new String(body, UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed before a reply");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(UTF_8);
    }

    private boolean logSaysReady() {
        try {
            return Files.readAllLines(log, UTF_8).stream()
                    .anyMatch(l -> l.startsWith(process.pid() + ":") && l.contains("Ready to accept connections"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of the log, for error messages. */
    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    private Path sentinelFile() {
        return data.resolve("sentinel.conf");
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("redis-server on port " + port + " is closed");
        }
    }

    private void killProcess() {
        if (process == null) {
            return;
        }
        process.toHandle().destroyForcibly();
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

    /** A free port; for a cluster node, one whose cluster bus port (10000 above) is free too. */
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

    /**
     * Options for a server. Each option adds {@code redis-server} arguments, in call order, after the
     * defaults; a directive given twice takes its last value.
     *
     * <p>Not thread-safe: configure it on one thread, then {@link #start()}.
     */
    public static final class Builder {
        private RedisBinary binary;
        private final List<String> options = new ArrayList<>();
        private List<String> sentinelConfig;
        private boolean cluster;
        private boolean debugCommand;

        private Builder() {
        }

        /** Runs this binary instead of {@link RedisBinary#get()}. */
        public Builder binary(RedisBinary binary) {
            this.binary = binary;
            return this;
        }

        /**
         * Extra command-line arguments, for example {@code args("--maxmemory", "1mb")}.
         */
        public Builder args(String... args) {
            options.addAll(List.of(args));
            return this;
        }

        /**
         * Persistence that keeps every acknowledged write across a crash: {@code --appendonly yes
         * --appendfsync always}. Then {@link EmbeddedRedis#kill()} followed by {@link EmbeddedRedis#restart()}
         * loses nothing.
         */
        public Builder appendOnlyFsyncAlways() {
            return args("--appendonly", "yes", "--appendfsync", "always");
        }

        /**
         * Requires a password: {@code --requirepass}, and {@code --masterauth} so that a replica of a
         * server with the same password can sync.
         */
        public Builder password(String password) {
            return args("--requirepass", password, "--masterauth", password);
        }

        /** Makes the server a replica of {@code host:port}: {@code --replicaof host port}. */
        public Builder replicaOf(String host, int port) {
            return args("--replicaof", host, Integer.toString(port));
        }

        /**
         * Runs a Sentinel ({@code redis-server <config file> --sentinel}) whose writable configuration
         * file, in the data directory, starts with these lines, for example
         * {@code "sentinel monitor mymaster 127.0.0.1 6379 2"}.
         */
        public Builder sentinel(String... configLines) {
            sentinelConfig = List.of(configLines);
            return this;
        }

        /**
         * Runs a Redis Cluster node: {@code --cluster-enabled yes --cluster-config-file nodes.conf}
         * (in the data directory), on a port whose cluster bus port (10000 above) is free too.
         */
        public Builder cluster() {
            cluster = true;
            return args("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
        }

        /**
         * Allows {@code DEBUG} (for example {@code DEBUG SLEEP}) from local connections: from Redis 7
         * on, {@code --enable-debug-command local}, before the other options; earlier versions allow it
         * anyway.
         */
        public Builder enableDebugCommand() {
            debugCommand = true;
            return this;
        }

        /**
         * Starts the server and waits until it is ready.
         *
         * @throws IllegalStateException if no binary is available, or the server exits or is not ready
         *     within 10 s; the message includes the end of its log
         */
        public EmbeddedRedis start() {
            return EmbeddedRedis.start(this);
        }
    }
}
