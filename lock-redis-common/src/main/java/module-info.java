/**
 * What the Redis backends share. Users see one package, {@code dev.latchkey.redis}: the
 * {@link dev.latchkey.redis.RedisConnection} handle that the client adapters make and the backends'
 * builders take. Everything else (the port over a client, the adapter SPI, URI settings, key naming,
 * scripts, error translation) is for Latchkey's own modules only. This module depends on no Redis
 * client: the adapters {@code lock-redis-jedis} and {@code lock-redis-lettuce} bring them, found
 * through {@link java.util.ServiceLoader}.
 */
module dev.latchkey.redis.common {
    requires transitive dev.latchkey.api;

    exports dev.latchkey.redis;
    exports dev.latchkey.redis.common to
            dev.latchkey.redis.lua,
            dev.latchkey.redis.getset,
            dev.latchkey.redis.quorum,
            dev.latchkey.redis.jedis,
            dev.latchkey.redis.lettuce;

    uses dev.latchkey.redis.common.RedisClientAdapter;
}
