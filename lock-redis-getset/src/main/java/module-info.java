/**
 * The classic Redis lock built from {@code SETNX} and {@code GETSET} ({@code redis-getset://}),
 * faithfully ({@code mode=article}) and owner-checked ({@code mode=checked}). See
 * {@link dev.latchkey.redis.getset.RedisGetSetLocks} for when (not) to use it.
 */
module dev.latchkey.redis.getset {
    requires transitive dev.latchkey.api;
    requires transitive dev.latchkey.redis.common;
    exports dev.latchkey.redis.getset;
    provides dev.latchkey.spi.LockProvider with dev.latchkey.redis.getset.RedisGetSetLockProvider;
}
