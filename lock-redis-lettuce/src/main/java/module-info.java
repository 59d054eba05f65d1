/**
 * Lettuce behind the Redis backends: the adapter for {@code client=lettuce} (found with
 * {@link java.util.ServiceLoader}), and {@link dev.latchkey.redis.lettuce.LettuceClients} to hand a
 * backend a Lettuce client the application already has.
 *
 * <p>Lettuce is an automatic module ({@code lettuce.core}), and so are Netty and Reactor, which the
 * module system therefore resolves with it: {@code requires dev.latchkey.redis.lettuce} is all an
 * application needs on the module path.
 */
module dev.latchkey.redis.lettuce {
    requires transitive dev.latchkey.redis.common;
    requires transitive lettuce.core;

    exports dev.latchkey.redis.lettuce;

    provides dev.latchkey.redis.common.RedisClientAdapter with dev.latchkey.redis.lettuce.internal.LettuceAdapter;
}
