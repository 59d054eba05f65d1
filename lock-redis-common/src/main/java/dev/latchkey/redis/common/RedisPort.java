package dev.latchkey.redis.common;

import dev.latchkey.redis.RedisConnection;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The Redis calls the lock backends need, over whichever client the application uses: the
 * {@link RedisConnection} that users hand around, seen from inside. Every failure surfaces as a
 * {@link dev.latchkey.LockException} subtype (see {@link RedisErrors}), never as a client-specific
 * exception. Implementations (in the client adapter modules) are thread-safe.
 */
public interface RedisPort extends RedisConnection {

    /**
     * Runs a script by SHA, loading it transparently if the server answers NOSCRIPT (for example
     * after {@code SCRIPT FLUSH} or a failover). Scripts must return an array; its elements come
     * back as {@link Long}, {@link String} or {@code null}.
     */
    List<Object> eval(RedisScript script, List<String> keys, List<String> args);

    /**
     * {@link #eval}, then {@code wait}'s command ({@code WAIT} or {@code WAITAOF}) on the same connection, in the
     * same round trip (pipelined): WAIT counts only the acknowledgements of its own connection's writes. In a
     * cluster both go to the master of {@code keys.get(0)}'s slot. The reply may take up to
     * {@code wait.timeoutMillis()} longer than the command timeout. The caller decides what an acknowledgement
     * short of {@code wait.replicas()} means. Ports that cannot (a test's wrapper) throw
     * {@link UnsupportedOperationException}, as by default.
     */
    default ReplicaWait.Acknowledged evalAndWait(RedisScript script, List<String> keys, List<String> args, ReplicaWait wait) {
        throw new UnsupportedOperationException(describe() + " cannot follow a script with WAIT");
    }

    /**
     * The server's version, {@code INFO server}'s {@code redis_version} (in a cluster, one node's), e.g. {@code 6.2.6}.
     * Ports that cannot tell throw {@link UnsupportedOperationException}, as by default.
     */
    default String serverVersion() {
        throw new UnsupportedOperationException(describe() + " cannot tell the server's version");
    }

    /**
     * {@code SET key value NX}, with {@code PX ttlMillis} in the same command when {@code ttlMillis > 0}
     * (so no crash can leave the key without its expiry): true if set.
     */
    boolean setNx(String key, String value, long ttlMillis);

    /** {@code GET key}. */
    String get(String key);

    /** {@code GETSET key value}: the old value. */
    String getSet(String key, String value);

    /** {@code DEL key}: the number of keys removed. */
    long del(String key);

    /** {@code PEXPIRE key millis}: true if the key exists. */
    boolean pexpire(String key, long millis);

    /** {@code PTTL key}: remaining ms, -1 without expiry, -2 if absent. */
    long pttl(String key);

    /**
     * Optimistic compare-and-delete without Lua: {@code WATCH key}, {@code GET key}, and only if it
     * equals {@code expected}, {@code MULTI DEL EXEC}; retried while a concurrent write aborts it.
     *
     * @return true if this call deleted the key holding {@code expected}
     */
    boolean deleteIfEquals(String key, String expected);

    /**
     * Optimistic compare-and-set without Lua: like {@link #deleteIfEquals} but replaces the value by
     * {@code value} with a time to live of {@code ttlMillis} ({@code SET key value PX ttl}).
     */
    boolean replaceIfEquals(String key, String expected, String value, long ttlMillis);

    /**
     * Subscribes this port's single, shared pub/sub connection to {@code channel}; returns once the
     * server has confirmed, so a message published afterwards is delivered. Every message on any
     * subscribed channel goes to the port's one listener set with {@link #onMessage}.
     */
    void subscribe(String channel);

    /**
     * Removes a subscription made with {@link #subscribe}. May return before the server confirms;
     * a later {@link #subscribe} of the same channel is still ordered after it.
     */
    void unsubscribe(String channel);

    /** Sets the listener for messages on subscribed channels: (channel, message). */
    void onMessage(BiConsumer<String, String> listener);

    /** {@code PING}, to check the connection at open time. */
    void ping();

    /** Closes what this port opened: all of it for a port opened from a URI, never a client handed in. */
    @Override
    void close();
}
