package dev.latchkey.redis.lettuce.internal;

import dev.latchkey.redis.common.RedisClientAdapter;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisSettings;

/** The {@code client=lettuce} adapter, found with {@link java.util.ServiceLoader}. Stateless and thread-safe. */
public final class LettuceAdapter implements RedisClientAdapter {

    @Override
    public String name() {
        return "lettuce";
    }

    @Override
    public RedisPort open(RedisSettings settings) {
        return LettucePort.open(settings);
    }
}
