package dev.latchkey.redis.testkit;

import dev.latchkey.redis.embedded.EmbeddedRedis;
import java.nio.file.Path;

/**
 * One real {@code redis-server} process on a free port of 127.0.0.1, which a test can kill, pause,
 * resume and restart on the same port: an {@link EmbeddedRedis} (its temporary directory, its
 * watchdog, its readiness check) with {@code DEBUG} allowed, so that tests may use
 * {@code DEBUG SLEEP}, and the test helpers of {@link RedisInstance}.
 *
 * <p>A failure to start throws {@link IllegalStateException} with the end of the server's log; it
 * never yields a skipped test. The process is killed when the JVM exits, even by SIGKILL.
 *
 * <p>Thread-safe, as {@link EmbeddedRedis} and {@link RedisInstance}.
 */
public final class RedisServer implements RedisInstance {

    private static RedisServer shared;

    private final EmbeddedRedis process;

    private RedisServer(EmbeddedRedis process) {
        this.process = process;
    }

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
     * Starts a plain server (no persistence) and waits until it is ready.
     *
     * @throws IllegalStateException if no binary is available or the server is not ready within
     *     10 s; the message includes the end of its log
     */
    public static RedisServer start() {
        return start(EmbeddedRedis.builder());
    }

    /**
     * Starts a server with extra command-line arguments, for example
     * {@code start("--appendonly", "yes", "--appendfsync", "always")}.
     *
     * @throws IllegalStateException as {@link #start()}
     */
    public static RedisServer start(String... extraArgs) {
        return start(EmbeddedRedis.builder().args(extraArgs));
    }

    /**
     * Starts a server with these options (replica, Sentinel, cluster node, password...), after
     * adding {@link EmbeddedRedis.Builder#enableDebugCommand()} to them.
     *
     * @throws IllegalStateException as {@link #start()}
     */
    public static RedisServer start(EmbeddedRedis.Builder options) {
        return new RedisServer(options.enableDebugCommand().start());
    }

    /** Always {@code 127.0.0.1}. */
    @Override
    public String host() {
        return process.host();
    }

    /** The port, the same across restarts. */
    @Override
    public int port() {
        return process.port();
    }

    /** The process id of the current (or last) server process. */
    public long pid() {
        return process.pid();
    }

    /** The file that receives the server's stdout and stderr, across restarts, until {@link #close()}. */
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL; waits until the process has exited. Does nothing if the server is not running. */
    @Override
    public void kill() {
        process.kill();
    }

    /**
     * SIGSTOP: the kernel still accepts connections and data, but nothing is answered.
     *
     * @throws IllegalStateException if the server is not running
     */
    @Override
    public void pause() {
        process.pause();
    }

    /** SIGCONT, if paused. */
    @Override
    public void resume() {
        process.resume();
    }

    /** As {@link EmbeddedRedis#restart()}: same port, options and data directory. */
    public void restart() {
        process.restart();
    }

    /** As {@link EmbeddedRedis#restartEmpty()}: same port and options, no data. */
    public void restartEmpty() {
        process.restartEmpty();
    }

    /** SIGTERM, then SIGKILL after 2 s (a paused server at once); the directory stays, for a restart. */
    @Override
    public void stop() {
        process.stop();
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "RedisServer[" + process + "]";
    }
}
