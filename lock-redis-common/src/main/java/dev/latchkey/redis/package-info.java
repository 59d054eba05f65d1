/**
 * The one Redis type applications see: {@link dev.latchkey.redis.RedisConnection}, an application's
 * own Jedis or Lettuce client made ready for a Latchkey backend.
 */
package dev.latchkey.redis;
