package dev.latchkey.redis.testkit;

import java.net.URI;
import java.util.Optional;

/**
 * An existing Redis server named by the environment, for tests that only need some server.
 *
 * <p>Tests that kill, pause or restart a server, or that need several, start their own with
 * {@link RedisServer}, {@link RedisNodes} or {@link RedisCluster} instead: an external server
 * cannot be controlled. Stateless, so thread-safe.
 */
public final class RedisServers {

    /** The setting that names an existing server, for example {@code redis://127.0.0.1:6379}. */
    public static final String URL_SETTING = "LATCHKEY_REDIS_URL";

    private RedisServers() {
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
