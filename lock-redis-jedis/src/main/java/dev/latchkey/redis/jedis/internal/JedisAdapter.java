package dev.latchkey.redis.jedis.internal;

import dev.latchkey.redis.common.RedisClientAdapter;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisSettings;

/** The {@code client=jedis} adapter, found with {@link java.util.ServiceLoader}. Stateless and thread-safe. */
public final class JedisAdapter implements RedisClientAdapter {

    @Override
    public String name() {
        return "jedis";
    }

    @Override
    public RedisPort open(RedisSettings settings) {
        return JedisPort.open(settings);
    }
}
