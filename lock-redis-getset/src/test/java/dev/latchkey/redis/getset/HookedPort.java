package dev.latchkey.redis.getset;

import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real {@link RedisPort} ({@link #port}) that runs a hook once, right after its next {@code GET} has answered: a
 * deterministic way to put another participant's moves between this one's GET and its takeover. Every call goes to
 * the real port.
 */
final class HookedPort implements InvocationHandler {
    final RedisPort port = (RedisPort) Proxy.newProxyInstance(RedisPort.class.getClassLoader(), new Class<?>[] {RedisPort.class}, this);
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
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object result;
        try {
            result = method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        Callable<?> hook = method.getName().equals("get") ? afterNextGet.getAndSet(null) : null;
        if (hook != null) {
            try {
                hook.call();
            } catch (Exception e) {
                throw new IllegalStateException("hook failed", e);
            }
        }
        return result;
    }
}
