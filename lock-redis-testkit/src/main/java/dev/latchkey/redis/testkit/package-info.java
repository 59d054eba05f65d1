/**
 * Real Redis servers for tests, never a mock.
 *
 * <ul>
 *   <li>{@link dev.latchkey.redis.testkit.RedisServer}: one {@code redis-server} process on a
 *       free port of 127.0.0.1 that a test can kill, pause (SIGSTOP), resume and restart.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisNodes}: independent masters, as Redlock needs.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisCluster}: a small Redis Cluster of masters.</li>
 *   <li>{@link dev.latchkey.redis.testkit.TcpProxy}: cuts, delays or black-holes a connection.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisServers#external()}: an existing server named by
 *       {@code LATCHKEY_REDIS_URL}, for simple cases only.</li>
 * </ul>
 *
 * <p>Which {@code redis-server} binary runs is decided by {@link dev.latchkey.redis.testkit.RedisBinary}.
 * Every process started here is killed when the JVM exits, also after a failed test.
 *
 * <p><b>No skipping.</b> When no server can be started, the methods throw
 * {@link java.lang.IllegalStateException} with the reason (and the server's log tail). A test that
 * needs Redis therefore fails rather than skips, as it must under {@code CI=true}; this kit offers no
 * "is Redis available" check to skip on.
 */
package dev.latchkey.redis.testkit;
