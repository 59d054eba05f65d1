/**
 * The production Redis backend, scheme {@code redis-lua}: {@link dev.latchkey.redis.lua.RedisLuaLockProvider}
 * (found by {@link java.util.ServiceLoader}) and {@link dev.latchkey.redis.lua.RedisLuaLocks} (over a
 * Jedis or Lettuce client the application already has, handed over by {@code JedisClients} or
 * {@code LettuceClients}). Everything else is internal.
 */
package dev.latchkey.redis.lua;
