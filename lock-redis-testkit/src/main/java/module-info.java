/**
 * Starts and controls real {@code redis-server} processes for tests, and a TCP proxy for
 * fault injection. It contains no lock code and depends on no other Latchkey module.
 *
 * <p>The {@code embedded.redis} automatic module is required only for the {@code redis-server}
 * binaries it bundles as resources; none of its classes are used.
 */
module dev.latchkey.redis.testkit {
    requires embedded.redis;

    exports dev.latchkey.redis.testkit;
}
