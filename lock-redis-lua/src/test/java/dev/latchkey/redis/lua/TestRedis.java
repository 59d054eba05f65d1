package dev.latchkey.redis.lua;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helpers: URIs, unique lock names, the time scale, and direct drivers. */
final class TestRedis {
    /** Stretches every timing bound (system property latchkey.timeScale, set by the parent POM). */
    static final double SCALE = Double.parseDouble(System.getProperty("latchkey.timeScale", "1"));
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestRedis() {
    }

    static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }

    static long scaledMillis(long millis) {
        return (long) (millis * SCALE);
    }

    static String name(String what) {
        return what + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    /** {@code redis-lua://127.0.0.1:port?client=...&extra}. */
    static String uri(int port, String client, String extra) {
        return "redis-lua://127.0.0.1:" + port + "?client=" + client + (extra.isEmpty() ? "" : "&" + extra);
    }

    static LockClient open(int port, String client, String extra) {
        return Locks.open(uri(port, client, extra));
    }

    /** A driver without the engine, to call the SPI directly (e.g. with another owner's token). */
    static LuaLockDriver driver(int port, String client, Duration fallback) {
        RedisSettings s = RedisSettings.parse(URI.create(uri(port, client, "")), java.util.Set.of("fallback"), Duration.ofSeconds(30));
        return new LuaLockDriver(RedisPorts.open(s), s.keys(), fallback, false, dev.latchkey.spi.Ticker.SYSTEM);
    }
}
