package dev.latchkey.redis.getset;

import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A real {@link RedisPort} that runs a hook once, right after its next {@code GET} has answered: a
 * deterministic way to put another participant's moves between this one's GET and its takeover.
 */
final class HookedPort implements RedisPort {
    private final RedisPort real;
    private final AtomicReference<Callable<?>> afterNextGet = new AtomicReference<>();

    HookedPort(RedisServer server, String client) {
        URI uri = URI.create("redis://127.0.0.1:" + server.port() + "?client=" + client);
        this.real = RedisPorts.open(RedisSettings.parse(uri, Set.of(), Duration.ofSeconds(30)));
    }

    void afterNextGet(Callable<?> hook) {
        afterNextGet.set(hook);
    }

    @Override
    public String get(String key) {
        String value = real.get(key);
        Callable<?> hook = afterNextGet.getAndSet(null);
        if (hook != null) {
            try {
                hook.call();
            } catch (Exception e) {
                throw new IllegalStateException("hook failed", e);
            }
        }
        return value;
    }

    @Override
    public List<Object> eval(RedisScript script, List<String> keys, List<String> args) {
        return real.eval(script, keys, args);
    }

    @Override
    public boolean setNx(String key, String value, long ttlMillis) {
        return real.setNx(key, value, ttlMillis);
    }

    @Override
    public String getSet(String key, String value) {
        return real.getSet(key, value);
    }

    @Override
    public long del(String key) {
        return real.del(key);
    }

    @Override
    public boolean pexpire(String key, long millis) {
        return real.pexpire(key, millis);
    }

    @Override
    public long pttl(String key) {
        return real.pttl(key);
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
        return real.deleteIfEquals(key, expected);
    }

    @Override
    public boolean replaceIfEquals(String key, String expected, String value, long ttlMillis) {
        return real.replaceIfEquals(key, expected, value, ttlMillis);
    }

    @Override
    public void subscribe(String channel) {
        real.subscribe(channel);
    }

    @Override
    public void unsubscribe(String channel) {
        real.unsubscribe(channel);
    }

    @Override
    public void onMessage(BiConsumer<String, String> listener) {
        real.onMessage(listener);
    }

    @Override
    public void ping() {
        real.ping();
    }

    @Override
    public String describe() {
        return "hooked " + real.describe();
    }

    @Override
    public void close() {
        real.close();
    }
}
