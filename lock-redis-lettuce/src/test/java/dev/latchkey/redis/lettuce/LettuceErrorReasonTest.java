package dev.latchkey.redis.lettuce;

import dev.latchkey.redis.contract.RedisErrorReasonContract;

/** Each kind of trouble on Lettuce, and its reason. */
class LettuceErrorReasonTest extends RedisErrorReasonContract {

    LettuceErrorReasonTest() {
        super("lettuce");
    }
}
