/**
 * A real {@code redis-server} process, never a mock: {@link dev.latchkey.redis.embedded.EmbeddedRedis}
 * starts one on a free port of 127.0.0.1, in a temporary directory, from the binary that
 * {@link dev.latchkey.redis.embedded.RedisBinary} chooses (the {@code LATCHKEY_REDIS_BINARY} setting,
 * else {@code redis-server} on the PATH, else the one bundled in the embedded-redis jar).
 *
 * <p>No server outlives its JVM, not even one killed with SIGKILL, and no directory outlives its
 * server. When no server can be started, the methods throw {@link java.lang.IllegalStateException}
 * with the reason and the server's log tail.
 */
package dev.latchkey.redis.embedded;
