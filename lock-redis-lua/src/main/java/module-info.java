/**
 * The production Redis backend ({@code redis-lua://host:6379?...}): atomic Lua scripts, fencing
 * tokens, owner-checked release and renewal, and pub/sub wake-ups. Open it with
 * {@link dev.latchkey.Locks#open(String)}, or hand it an existing client through
 * {@link dev.latchkey.redis.lua.RedisLuaLocks}. It talks to Redis through a client adapter module,
 * {@code dev.latchkey.redis.jedis} or {@code dev.latchkey.redis.lettuce}, which the application adds.
 */
module dev.latchkey.redis.lua {
    requires transitive dev.latchkey.api;
    requires transitive dev.latchkey.redis.common;

    exports dev.latchkey.redis.lua;
    // RedisScript.resource (in redis-common) reads the Lua scripts that sit in this package.
    opens dev.latchkey.redis.lua to dev.latchkey.redis.common;

    provides dev.latchkey.spi.LockProvider with dev.latchkey.redis.lua.RedisLuaLockProvider;
}
