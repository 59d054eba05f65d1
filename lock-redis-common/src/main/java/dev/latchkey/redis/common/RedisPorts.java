package dev.latchkey.redis.common;

import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.RedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Opens a {@link RedisPort} with the client adapter that the settings name, or unwraps the
 * {@link RedisConnection} a user built from an existing client. Stateless and thread-safe.
 */
public final class RedisPorts {
    private RedisPorts() {
    }

    /**
     * Connects with the client adapter named by the URI option {@code client}, or without that option
     * with the only adapter present ({@code jedis} if both are), and checks the connection with PING.
     *
     * @throws IllegalArgumentException naming the artifact to add if the adapter is not present, or if the settings
     *                                  name several hosts that are neither Sentinels nor cluster seeds
     * @throws LockUnavailableException if the server cannot be reached or refuses the connection
     */
    public static RedisPort open(RedisSettings s) {
        if (s.nodes().size() > 1 && !s.cluster() && s.sentinel() == null) {
            throw new IllegalArgumentException(s.redacted() + " names " + s.nodes().size() + " hosts: several hosts are the"
                    + " Sentinels of a master (add option 'sentinel=<master name>') or the seed nodes of a Redis Cluster (add"
                    + " 'cluster=true'); for one server, name one host");
        }
        RedisClientAdapter adapter = adapter(s);
        RedisPort port = null;
        try {
            port = adapter.open(s);
            port.ping();
            return port;
        } catch (LinkageError e) {
            throw new IllegalArgumentException(s.scheme() + " client=" + adapter.name() + ": dev.latchkey:lock-redis-"
                    + adapter.name() + " is present but a class its client library needs is not (" + e + "): do not exclude"
                    + " the client library or its dependencies from lock-redis-" + adapter.name() + "'s", e);
        } catch (RuntimeException e) {
            if (port != null) {
                port.close();
            }
            throw e instanceof LockUnavailableException ? RedisErrors.opening((LockUnavailableException) e, s) : e;
        }
    }

    /**
     * The port inside a connection from {@code JedisClients} or {@code LettuceClients}.
     *
     * @throws IllegalArgumentException if the connection was made elsewhere
     */
    public static RedisPort of(RedisConnection connection) {
        Objects.requireNonNull(connection, "connection");
        if (connection instanceof RedisPort) {
            return (RedisPort) connection;
        }
        throw new IllegalArgumentException("connection must come from JedisClients.connection (lock-redis-jedis) or "
                + "LettuceClients.connection (lock-redis-lettuce), was a " + connection.getClass().getName());
    }

    private static RedisClientAdapter adapter(RedisSettings s) {
        Map<String, RedisClientAdapter> found = adapters();
        String wanted = s.client() != null ? s.client() : found.containsKey("jedis") || found.isEmpty() ? "jedis"
                : found.keySet().iterator().next();
        RedisClientAdapter adapter = found.get(wanted);
        if (adapter != null) {
            return adapter;
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(s.scheme() + " needs a Redis client: add dev.latchkey:lock-redis-jedis"
                    + " (or dev.latchkey:lock-redis-lettuce) to your dependencies; on the module path also"
                    + " 'requires dev.latchkey.redis.jedis;' (or dev.latchkey.redis.lettuce)");
        }
        throw new IllegalArgumentException(s.scheme() + " client=" + wanted + " needs dev.latchkey:lock-redis-" + wanted
                + " in your dependencies (on the module path also 'requires dev.latchkey.redis." + wanted + ";');"
                + " client adapters present: " + String.join(", ", found.keySet()));
    }

    /** The adapters visible to this module's class loader, else to the thread's context class loader, by name. */
    private static Map<String, RedisClientAdapter> adapters() {
        Map<String, RedisClientAdapter> found = new TreeMap<>();
        ServiceLoader.load(RedisClientAdapter.class, RedisClientAdapter.class.getClassLoader())
                .forEach(a -> found.putIfAbsent(a.name(), a));
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (found.isEmpty() && context != null) {
            ServiceLoader.load(RedisClientAdapter.class, context).forEach(a -> found.putIfAbsent(a.name(), a));
        }
        return found;
    }

    /** One field of an {@code INFO} reply ({@code field:value} lines), e.g. {@code redis_version}; empty if absent. */
    public static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        return "";
    }

    /** Scripts reply with arrays; returns the elements as Long, String or null, whichever client decoded them. */
    public static List<Object> normalize(Object reply) {
        if (!(reply instanceof List)) {
            List<Object> one = new ArrayList<>(1);
            one.add(scalar(reply));
            return one;
        }
        List<?> in = (List<?>) reply;
        List<Object> out = new ArrayList<>(in.size());
        for (Object o : in) {
            out.add(scalar(o));
        }
        return Collections.unmodifiableList(out);
    }

    private static Object scalar(Object o) {
        if (o instanceof byte[]) {
            return new String((byte[]) o, StandardCharsets.UTF_8);
        }
        if (o instanceof Number) {
            return ((Number) o).longValue();
        }
        return o;
    }
}
