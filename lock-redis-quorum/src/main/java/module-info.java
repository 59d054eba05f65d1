/**
 * The quorum Redis backend ({@code redis-quorum://h1:p1,h2:p2,h3:p3?...}): a lock over an odd
 * number of independent Redis masters, granted when a majority of them grant it within the lease's
 * validity (Redlock), with fencing tokens made monotonic by majority intersection. Open it with
 * {@link dev.latchkey.Locks#open(String)}, with one Redis client adapter
 * ({@code lock-redis-jedis} or {@code lock-redis-lettuce}) beside it.
 */
module dev.latchkey.redis.quorum {
    requires transitive dev.latchkey.api;
    requires dev.latchkey.redis.common;

    exports dev.latchkey.redis.quorum;
    // RedisScript.resource (in redis-common) reads the Lua scripts that sit in this package.
    opens dev.latchkey.redis.quorum to dev.latchkey.redis.common;

    provides dev.latchkey.spi.LockProvider with dev.latchkey.redis.quorum.RedisQuorumLockProvider;
}
