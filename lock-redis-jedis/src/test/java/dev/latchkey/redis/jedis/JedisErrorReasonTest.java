package dev.latchkey.redis.jedis;

import dev.latchkey.redis.contract.RedisErrorReasonContract;

/** Each kind of trouble on Jedis, and its reason. */
class JedisErrorReasonTest extends RedisErrorReasonContract {

    JedisErrorReasonTest() {
        super("jedis");
    }
}
