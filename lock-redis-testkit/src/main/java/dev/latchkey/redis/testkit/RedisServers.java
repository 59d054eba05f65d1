package dev.latchkey.redis.testkit;

import java.net.URI;
import java.util.Optional;

/**
 * Redis servers chosen by the environment, for tests that need some single server:
 * <ul>
 *   <li>{@link #start()} and {@link #shared()}: a container of the image named by
 *       {@value #IMAGE_SETTING} (for example {@code valkey/valkey:8}) when it is set, else a
 *       {@link RedisServer} process;</li>
 *   <li>{@link #external()}: the existing server named by {@value #URL_SETTING}, if any.</li>
 * </ul>
 *
 * <p>Tests that restart a server, or need a topology, use {@link RedisServer}, {@link RedisNodes},
 * {@link RedisReplication}, {@link RedisSentinel} or {@link RedisCluster}. Thread-safe.
 */
public final class RedisServers {

    /** The setting that names an existing server, for example {@code redis://127.0.0.1:6379}. */
    public static final String URL_SETTING = "LATCHKEY_REDIS_URL";

    /** The setting that names a container image to run Redis from, for example {@code redis:7.4}. */
    public static final String IMAGE_SETTING = "LATCHKEY_REDIS_IMAGE";

    private static RedisInstance shared;

    private RedisServers() {
    }

    /**
     * Starts a server: a container of the image named by the system property or, failing that, the
     * environment variable {@value #IMAGE_SETTING} (through Testcontainers, which the calling module
     * must have on its test class path), else a {@link RedisServer} process.
     *
     * @throws IllegalStateException if the server cannot be started; with an image set, if no
     *     container engine is reachable or Testcontainers is missing: a test then fails, never skips
     */
    public static RedisInstance start() {
        return start(setting(IMAGE_SETTING));
    }

    /**
     * One server per JVM, as {@link RedisServer#shared()}, but chosen as {@link #start()} chooses.
     * Do not close it, kill it or change its configuration; use distinct key names.
     *
     * @throws IllegalStateException as {@link #start()}
     */
    public static synchronized RedisInstance shared() {
        String image = setting(IMAGE_SETTING);
        if (image == null) {
            return RedisServer.shared();
        }
        if (shared == null || !shared.isAlive()) {
            shared = start(image);
        }
        return shared;
    }

    static RedisInstance start(String image) {
        if (image == null) {
            return RedisServer.start();
        }
        try {
            return RedisContainer.start(image);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(IMAGE_SETTING + "=" + image + " needs org.testcontainers:testcontainers"
                    + " on the test class path (lock-redis-testkit declares it optional): " + e, e);
        }
    }

    /**
     * The URI of the existing server named by the system property or, failing that, the
     * environment variable {@value #URL_SETTING}.
     *
     * @return the URI, or empty when the setting is absent or blank
     * @throws IllegalArgumentException if the setting is not a {@code redis://} or
     *     {@code rediss://} URI with a host
     */
    public static Optional<String> external() {
        return external(setting(URL_SETTING));
    }

    static Optional<String> external(String value) {
        if (value == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL_SETTING + " is not a URI: " + value, e);
        }
        if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    URL_SETTING + " must look like redis://host:port, was: " + value);
        }
        return Optional.of(value);
    }

    /** A setting from the system property of that name, else the environment; blank counts as absent. */
    static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }
}
