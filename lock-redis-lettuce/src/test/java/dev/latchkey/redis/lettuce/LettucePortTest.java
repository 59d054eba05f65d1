package dev.latchkey.redis.lettuce;

import dev.latchkey.redis.contract.RedisPortContract;

/** The port contract on Lettuce. */
class LettucePortTest extends RedisPortContract {

    LettucePortTest() {
        super("lettuce");
    }
}
