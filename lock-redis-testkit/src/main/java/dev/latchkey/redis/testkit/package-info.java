/**
 * Real Redis servers and topologies for tests, never a mock.
 *
 * <ul>
 *   <li>{@link dev.latchkey.redis.testkit.RedisServer}: one {@code redis-server} process (an
 *       {@link dev.latchkey.redis.embedded.EmbeddedRedis}) that a test can kill, pause (SIGSTOP),
 *       resume and restart; {@link dev.latchkey.redis.testkit.RedisServer#shared()}, one per JVM.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisNodes}: independent masters, as Redlock needs.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisReplication}: a master with replicas.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisSentinel}: a master, replicas and three Sentinels.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisCluster}: a Redis Cluster, with or without replicas.</li>
 *   <li>{@link dev.latchkey.redis.testkit.TcpProxy}: cuts, delays or black-holes a connection.</li>
 *   <li>{@link dev.latchkey.redis.testkit.RedisServers}: a single server chosen by the environment
 *       (a container image with {@code LATCHKEY_REDIS_IMAGE}), or an existing one
 *       ({@code LATCHKEY_REDIS_URL}), behind {@link dev.latchkey.redis.testkit.RedisInstance}.</li>
 * </ul>
 *
 * <p>The replicated topologies can hold replication back (the master acknowledges writes that no
 * replica receives), fail over, wait until a failover is complete, and rejoin their stopped servers.
 * Every process started here is killed when the JVM exits, even by SIGKILL.
 *
 * <p><b>No skipping.</b> When no server can be started, the methods throw
 * {@link java.lang.IllegalStateException} with the reason (and the server's log tail). A test that
 * needs Redis therefore fails rather than skips, as it must under {@code CI=true}; this kit offers no
 * "is Redis available" check to skip on.
 */
package dev.latchkey.redis.testkit;
