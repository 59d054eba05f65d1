/**
 * The Jedis client adapter: {@link dev.latchkey.redis.jedis.JedisClients} hands an application's
 * Jedis client to a backend; the adapter behind {@code client=jedis} is internal.
 */
package dev.latchkey.redis.jedis;
