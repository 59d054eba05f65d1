/**
 * Jedis behind the Redis backends: the adapter for {@code client=jedis} (found with
 * {@link java.util.ServiceLoader}), and {@link dev.latchkey.redis.jedis.JedisClients} to hand a
 * backend a Jedis client the application already has.
 *
 * <p>Jedis is an automatic module ({@code redis.clients.jedis}) and declares no dependencies, so
 * its own are required here: on the module path, {@code requires dev.latchkey.redis.jedis} is all
 * an application needs for Jedis to work.
 */
module dev.latchkey.redis.jedis {
    requires transitive dev.latchkey.redis.common;
    requires transitive redis.clients.jedis;
    requires org.apache.commons.pool2;
    requires org.slf4j;
    requires org.json;
    requires com.google.gson;

    exports dev.latchkey.redis.jedis;

    provides dev.latchkey.redis.common.RedisClientAdapter with dev.latchkey.redis.jedis.internal.JedisAdapter;
}
