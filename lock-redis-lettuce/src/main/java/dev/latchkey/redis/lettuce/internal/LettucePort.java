package dev.latchkey.redis.lettuce.internal;

import dev.latchkey.redis.common.RedisErrors;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * {@link RedisPort} over Lettuce ({@link RedisClient} or {@link RedisClusterClient}). Commands share
 * one multiplexed connection; compare-and-set borrows a dedicated connection from a small pool
 * (WATCH is per connection); pub/sub has its own connection, which Lettuce resubscribes after a
 * reconnect. Thread-safe.
 */
public final class LettucePort implements RedisPort {
    private final AbstractRedisClient client;
    private final boolean owned;
    private final String where;
    private final AutoCloseable connection;
    private final RedisClusterCommands<String, String> commands;
    private final BlockingQueue<StatefulRedisConnection<String, String>> dedicated = new ArrayBlockingQueue<>(8);
    private volatile BiConsumer<String, String> listener = (c, m) -> { };
    private StatefulRedisPubSubConnection<String, String> pubsub;

    public LettucePort(AbstractRedisClient client, boolean owned, String where) {
        this.client = client;
        this.owned = owned;
        this.where = where;
        try {
            if (client instanceof RedisClusterClient) {
                var c = ((RedisClusterClient) client).connect();
                this.connection = c;
                this.commands = c.sync();
            } else {
                var c = ((RedisClient) client).connect();
                this.connection = c;
                this.commands = c.sync();
            }
        } catch (RuntimeException e) {
            if (owned) {
                client.shutdown();
            }
            throw RedisErrors.translate(e, "CONNECT", where);
        }
    }

    static RedisPort open(RedisSettings s) {
        RedisURI.Builder b = RedisURI.Builder.redis(s.host(), s.port())
                .withTimeout(s.timeout())
                .withSsl(s.tls())
                .withClientName("latchkey");
        if (!s.cluster()) {
            b.withDatabase(s.database());
        }
        if (s.password() != null) {
            b.withAuthentication(s.user() == null ? "default" : s.user(), s.password());
        }
        RedisURI uri = b.build();
        // Connecting gives up after the same timeout as commands (Lettuce's default is 10 s).
        SocketOptions socket = SocketOptions.builder().connectTimeout(s.timeout()).build();
        io.lettuce.core.AbstractRedisClient client;
        if (s.cluster()) {
            RedisClusterClient cluster = RedisClusterClient.create(SharedResources.INSTANCE, uri);
            cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket).build());
            client = cluster;
        } else {
            RedisClient single = RedisClient.create(SharedResources.INSTANCE, uri);
            single.setOptions(ClientOptions.builder().socketOptions(socket).build());
            client = single;
        }
        return new LettucePort(client, true, s.address());
    }

    /** Lettuce's event loops, shared by every port this JVM opens (one set of threads, not one per client). */
    private static final class SharedResources {
        static final ClientResources INSTANCE = DefaultClientResources.create();
    }


    @Override
    public List<Object> eval(RedisScript script, List<String> keys, List<String> args) {
        String[] k = keys.toArray(String[]::new);
        String[] a = args.toArray(String[]::new);
        Object reply = call("EVALSHA " + script.name(), () -> {
            try {
                return commands.evalsha(script.sha1(), ScriptOutputType.MULTI, k, a);
            } catch (RuntimeException e) {
                if (RedisErrors.isNoScript(e)) {
                    return commands.eval(script.body(), ScriptOutputType.MULTI, k, a); // EVAL also caches it again
                }
                throw e;
            }
        });
        return RedisPorts.normalize(reply);
    }

    @Override
    public boolean setNx(String key, String value, long ttlMillis) {
        SetArgs args = ttlMillis > 0 ? SetArgs.Builder.nx().px(ttlMillis) : SetArgs.Builder.nx();
        return "OK".equals(call("SET NX", () -> commands.set(key, value, args)));
    }

    @Override
    public String get(String key) {
        return call("GET", () -> commands.get(key));
    }

    @Override
    public String getSet(String key, String value) {
        return call("GETSET", () -> commands.getset(key, value));
    }

    @Override
    public long del(String key) {
        return call("DEL", () -> commands.del(key));
    }

    @Override
    public boolean pexpire(String key, long millis) {
        return call("PEXPIRE", () -> commands.pexpire(key, millis));
    }

    @Override
    public long pttl(String key) {
        return call("PTTL", () -> commands.pttl(key));
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
        return compareAndSet(key, expected, c -> c.del(key));
    }

    @Override
    public boolean replaceIfEquals(String key, String expected, String value, long ttlMillis) {
        return compareAndSet(key, expected, c -> c.set(key, value, SetArgs.Builder.px(ttlMillis)));
    }

    private boolean compareAndSet(String key, String expected, java.util.function.Consumer<RedisCommands<String, String>> write) {
        if (!(client instanceof RedisClient)) {
            throw new UnsupportedOperationException("WATCH/MULTI/EXEC is not supported on a Lettuce cluster client; use client=jedis");
        }
        return call("WATCH/MULTI/EXEC", () -> {
            StatefulRedisConnection<String, String> c = dedicated.poll();
            if (c == null || !c.isOpen()) {
                c = ((RedisClient) client).connect();
            }
            boolean healthy = false;
            try {
                RedisCommands<String, String> sync = c.sync();
                while (true) {
                    sync.watch(key);
                    if (!expected.equals(sync.get(key))) {
                        sync.unwatch();
                        healthy = true;
                        return false;
                    }
                    sync.multi();
                    write.accept(sync);
                    TransactionResult result = sync.exec();
                    if (!result.wasDiscarded()) {
                        healthy = true;
                        return true;
                    }
                    // a concurrent write aborted EXEC: look again
                }
            } finally {
                if (!healthy || !dedicated.offer(c)) {
                    c.close();
                }
            }
        });
    }

    @Override
    public void onMessage(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    @Override
    public void subscribe(String channel) {
        call("SUBSCRIBE", () -> {
            pubsub().sync().subscribe(channel); // returns after the server's confirmation
            return null;
        });
    }

    @Override
    public void unsubscribe(String channel) {
        call("UNSUBSCRIBE", () -> {
            pubsub().async().unsubscribe(channel); // not awaited: commands on the connection stay in order
            return null;
        });
    }

    private synchronized StatefulRedisPubSubConnection<String, String> pubsub() {
        if (pubsub == null) {
            pubsub = client instanceof RedisClusterClient
                    ? ((RedisClusterClient) client).connectPubSub()
                    : ((RedisClient) client).connectPubSub();
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    listener.accept(channel, message);
                }
            });
        }
        return pubsub;
    }

    @Override
    public void ping() {
        call("PING", commands::ping);
    }

    @Override
    public String describe() {
        return "lettuce " + where;
    }

    @Override
    public synchronized void close() {
        if (pubsub != null) {
            pubsub.close();
        }
        for (StatefulRedisConnection<String, String> c; (c = dedicated.poll()) != null; ) {
            c.close();
        }
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        if (owned) {
            client.shutdown();
        }
    }

    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw RedisErrors.translate(e, what, where);
        }
    }
}
