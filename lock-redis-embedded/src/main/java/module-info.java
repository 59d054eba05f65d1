/**
 * Starts real {@code redis-server} processes: for the demo, for tools and for the test kit. No lock
 * code, no test framework. See {@link dev.latchkey.redis.embedded.EmbeddedRedis}.
 *
 * <p>The {@code embedded.redis} automatic module is required only for the {@code redis-server}
 * binaries it bundles as resources; none of its classes are used.
 */
module dev.latchkey.redis.embedded {
    requires embedded.redis;

    exports dev.latchkey.redis.embedded;
}
