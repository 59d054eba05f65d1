package dev.latchkey.redis.testkit;

import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * One Redis server that a test reaches and faults, whatever runs it: a {@link RedisServer} process,
 * or a container when {@code LATCHKEY_REDIS_IMAGE} is set (see {@link RedisServers#start()}).
 *
 * <p>Implementations are thread-safe: {@link #call} opens its own connection and blocks nothing
 * else, so a test may {@link #resume()} while another thread waits on a paused server.
 */
public interface RedisInstance extends AutoCloseable {

    /** The host to connect to. */
    String host();

    /** The port to connect to. */
    int port();

    /** {@code redis://<host>:<port>}. */
    default String uri() {
        return "redis://" + host() + ":" + port();
    }

    /**
     * Sends one command on a new connection and returns the parsed reply, waiting at most 2 s.
     *
     * @return a String (simple or bulk string), Long, List of these, or null
     * @throws RedisReplyException on an error reply
     * @throws UncheckedIOException if the server cannot be reached or does not answer in time (then
     *     the cause is a {@link java.net.SocketTimeoutException})
     */
    default Object call(String... args) {
        return call(Duration.ofSeconds(2), args);
    }

    /**
     * As {@link #call(String...)}, with the given connect and read timeout, for example for
     * {@code DEBUG SLEEP}.
     */
    default Object call(Duration timeout, String... args) {
        return Resp.call(host(), port(), timeout, args);
    }

    /**
     * As {@link #call(String...)}, with the reply rendered as text: {@code "OK"}, {@code "42"},
     * {@code "(nil)"}, or numbered lines {@code "1) a\n2) b"} for an array.
     */
    default String command(String... args) {
        return Resp.render(call(args));
    }

    /** Whether the server runs; a paused server counts as running. */
    boolean isAlive();

    /** Kills the server at once, as a crash would (SIGKILL); its port then refuses connections. */
    void kill();

    /** Freezes the server: connections are accepted, no command is answered until {@link #resume()}. */
    void pause();

    /** Lets a paused server go on; does nothing if it is not paused. */
    void resume();

    /**
     * Freezes the server for {@code duration}, then lets it go on, even if the wait is interrupted
     * (the interrupt flag is kept).
     */
    default void pauseFor(Duration duration) {
        pause();
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            resume();
        }
    }

    /** Stops the server gracefully (a paused one at once). Idempotent. */
    void stop();

    /** Stops the server and frees everything it held. Idempotent. */
    @Override
    void close();
}
