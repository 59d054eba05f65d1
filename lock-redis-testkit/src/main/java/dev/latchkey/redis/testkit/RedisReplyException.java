package dev.latchkey.redis.testkit;

/**
 * An error reply from Redis ({@code -ERR ...}, {@code -MOVED ...}, {@code -WRONGTYPE ...}).
 * The message is the error line as the server sent it, for example
 * {@code "MOVED 12182 127.0.0.1:40123"}.
 *
 * <p>Immutable, so thread-safe.
 */
public final class RedisReplyException extends RuntimeException {

    RedisReplyException(String message) {
        super(message);
    }
}
