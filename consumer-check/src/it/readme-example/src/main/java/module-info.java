/** The module path form of the README's example: the two modules the README names, and a Redis to talk to. */
module consumer {
    requires dev.latchkey.redis.lua;
    requires dev.latchkey.redis.jedis;
    requires dev.latchkey.redis.embedded;
}
