package dev.latchkey.redis.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Lua script with its SHA-1, computed locally so that {@code EVALSHA} needs no prior
 * {@code SCRIPT LOAD}. Immutable and thread-safe.
 */
public final class RedisScript {
    private final String name;
    private final String body;
    private final String sha1;

    public RedisScript(String name, String body) {
        this.name = Objects.requireNonNull(name, "name");
        this.body = Objects.requireNonNull(body, "body");
        try {
            this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the Java platform", e);
        }
    }

    /**
     * Loads a script from a class path resource next to {@code owner}. On the module path, the
     * owner's package must be open to this module ({@code opens pkg to dev.latchkey.redis.common;}),
     * because resources in a named module's packages are encapsulated.
     */
    public static RedisScript resource(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource + " next to " + owner.getName());
            }
            return new RedisScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String body() {
        return body;
    }

    public String sha1() {
        return sha1;
    }

    @Override
    public String toString() {
        return "RedisScript[" + name + ", " + sha1 + "]";
    }
}
