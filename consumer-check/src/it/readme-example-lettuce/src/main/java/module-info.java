/** The module path form of the README's example over Lettuce. */
module consumer {
    requires dev.latchkey.redis.lua;
    requires dev.latchkey.redis.lettuce;
    requires dev.latchkey.redis.embedded;
}
