/**
 * The quorum Redis backend, scheme {@code redis-quorum}:
 * {@link dev.latchkey.redis.quorum.RedisQuorumLockProvider}, found by {@link java.util.ServiceLoader}.
 * Everything else is internal. See the module's README for the algorithm, the fencing argument and
 * its assumption, and what each fault does to it.
 */
package dev.latchkey.redis.quorum;
