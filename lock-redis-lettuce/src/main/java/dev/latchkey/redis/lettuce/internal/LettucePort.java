package dev.latchkey.redis.lettuce.internal;

import dev.latchkey.redis.common.RedisErrors;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.common.ReplicaWait;
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
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * reconnect. From a URI with option {@code sentinel} the client's URI is a Sentinel one: Lettuce asks
 * the Sentinels where the master is whenever a connection (re)connects, so every connection, pub/sub
 * included, follows the master across a failover. Thread-safe.
 *
 * <p>A script followed by WAIT ({@link #evalAndWait}) uses a dedicated connection too, not the shared
 * one: WAIT blocks its connection until the replicas answer, and on the shared connection every other
 * thread's commands would queue behind it. Both commands leave in one write (flush control), so the
 * pair costs one round trip. In a cluster they go to the node connection of the key's master.
 */
public final class LettucePort implements RedisPort {
    private final AbstractRedisClient client;
    private final boolean owned;
    private final String where;
    private final AutoCloseable connection;
    private final RedisClusterCommands<String, String> commands;
    /** The cluster connection, for node connections; null for a RedisClient. */
    private final StatefulRedisClusterConnection<String, String> cluster;
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
                this.cluster = c;
            } else {
                var c = ((RedisClient) client).connect();
                this.connection = c;
                this.commands = c.sync();
                this.cluster = null;
            }
        } catch (RuntimeException e) {
            if (owned) {
                client.shutdown();
            }
            throw RedisErrors.translate(e, "CONNECT", where);
        }
    }

    static RedisPort open(RedisSettings s) {
        RedisURI.Builder b = s.sentinel() == null ? RedisURI.Builder.redis(s.host(), s.port())
                : RedisURI.Builder.sentinel(s.host(), s.port(), s.sentinel());
        if (s.sentinel() != null) {
            s.nodes().subList(1, s.nodes().size()).forEach(n -> b.withSentinel(n.host(), n.port()));
        }
        b.withTimeout(s.timeout())
                .withSsl(s.tls())
                .withClientName("latchkey");
        if (!s.cluster()) {
            b.withDatabase(s.database());
        }
        if (s.password() != null) {
            b.withAuthentication(s.user() == null ? "default" : s.user(), s.password());
        }
        // Connecting gives up after the same timeout as commands (Lettuce's default is 10 s).
        SocketOptions socket = SocketOptions.builder().connectTimeout(s.timeout()).build();
        io.lettuce.core.AbstractRedisClient client;
        if (s.cluster()) {
            // Every seed, with the first one's settings; the topology is refreshed when a command meets a moved
            // slot or a node keeps failing (a failover), at most once a second.
            List<RedisURI> seeds = s.nodes().stream().map(n -> b.withHost(n.host()).withPort(n.port()).build()).toList();
            RedisClusterClient cluster = RedisClusterClient.create(SharedResources.INSTANCE, seeds);
            cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts(s.timeout()))
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1)).build())
                    .build());
            client = cluster;
        } else {
            RedisClient single = RedisClient.create(SharedResources.INSTANCE, b.build());
            single.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts(s.timeout())).build());
            client = single;
        }
        return new LettucePort(client, true, s.address());
    }

    /**
     * Commands expire after the timeout, as by Lettuce's default, except WAIT and WAITAOF, which block for a time
     * of their own: {@link #evalAndWait} bounds those itself, at the timeout plus theirs.
     */
    private static TimeoutOptions timeouts(Duration timeout) {
        return TimeoutOptions.builder().timeoutCommands().timeoutSource(new TimeoutOptions.TimeoutSource() {
            @Override
            public long getTimeout(RedisCommand<?, ?, ?> command) {
                String type = command.getType().name();
                return type.equals("WAIT") || type.equals("WAITAOF") ? 0 : timeout.toNanos();
            }

            @Override
            public TimeUnit getTimeUnit() {
                return TimeUnit.NANOSECONDS;
            }
        }).build();
    }

    /**
     * Lettuce's event loops, shared by every port this JVM opens (one set of threads, not one per client).
     * A lost connection is retried after 10 ms, doubling up to 1 s (Lettuce's default goes up to 30 s), so
     * that a client finds a new master within a second of a failover.
     */
    private static final class SharedResources {
        static final ClientResources INSTANCE = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
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
    public ReplicaWait.Acknowledged evalAndWait(RedisScript script, List<String> keys, List<String> args, ReplicaWait wait) {
        return call("EVALSHA " + script.name() + " + " + wait.command(), () -> {
            if (cluster != null) {
                try {
                    var node = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(keys.get(0)));
                    if (node == null) {
                        throw new RedisException("no node serves the slot of " + keys.get(0) + " yet (CLUSTERDOWN)");
                    }
                    // a node connection is shared by the cluster connection's users: no flush control there
                    return pipelined(cluster.getConnection(node.getNodeId()), false, script, keys, args, wait);
                } catch (RuntimeException e) {
                    ((RedisClusterClient) client).refreshPartitionsAsync(); // a failover moved the slot, or its node died
                    throw e;
                }
            }
            StatefulRedisConnection<String, String> c = borrow();
            boolean healthy = false;
            try {
                ReplicaWait.Acknowledged done = pipelined(c, true, script, keys, args, wait);
                healthy = true;
                return done;
            } finally {
                giveBack(c, healthy);
            }
        });
    }

    private static ReplicaWait.Acknowledged pipelined(StatefulRedisConnection<String, String> c, boolean flushControl,
            RedisScript script, List<String> keys, List<String> args, ReplicaWait wait) {
        return pipelined(c, flushControl, script, keys, args, wait, false);
    }

    private static ReplicaWait.Acknowledged pipelined(StatefulRedisConnection<String, String> c, boolean flushControl,
            RedisScript script, List<String> keys, List<String> args, ReplicaWait wait, boolean body) {
        String[] k = keys.toArray(String[]::new);
        String[] a = args.toArray(String[]::new);
        RedisAsyncCommands<String, String> async = c.async();
        RedisFuture<Object> reply;
        RedisFuture<?> acknowledged;
        if (flushControl) {
            c.setAutoFlushCommands(false);
        }
        try {
            reply = body ? async.eval(script.body(), ScriptOutputType.MULTI, k, a)
                    : async.evalsha(script.sha1(), ScriptOutputType.MULTI, k, a);
            acknowledged = wait.aof()
                    ? async.dispatch(WAITAOF, new ArrayOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).add(0).add(wait.replicas()).add(wait.timeoutMillis()))
                    : async.waitForReplication(wait.replicas(), wait.timeoutMillis());
            if (flushControl) {
                c.flushCommands();
            }
        } finally {
            if (flushControl) {
                c.setAutoFlushCommands(true);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(c.getTimeout().toMillis() + wait.timeoutMillis());
        Object result;
        try {
            result = LettuceFutures.awaitOrCancel(reply, left(deadline), TimeUnit.NANOSECONDS);
        } catch (RedisCommandExecutionException e) {
            if (body || !RedisErrors.isNoScript(e)) {
                throw e;
            }
            // The script cache lacks it (flushed, or a promoted replica): once the WAIT that followed has answered
            // (it may block while the replicas lag), EVAL caches it again.
            LettuceFutures.awaitOrCancel(acknowledged, left(deadline), TimeUnit.NANOSECONDS);
            return pipelined(c, flushControl, script, keys, args, wait, true);
        }
        Object count = LettuceFutures.awaitOrCancel(acknowledged, left(deadline), TimeUnit.NANOSECONDS);
        long replicas = count instanceof List ? ((Number) ((List<?>) count).get(1)).longValue() : ((Number) count).longValue();
        return new ReplicaWait.Acknowledged(RedisPorts.normalize(result), replicas);
    }

    private static long left(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    /** WAITAOF, which Lettuce's command set lacks. */
    private static final ProtocolKeyword WAITAOF = new ProtocolKeyword() {
        private final byte[] bytes = "WAITAOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        @Override
        public byte[] getBytes() {
            return bytes;
        }

        @Override
        public String name() {
            return "WAITAOF";
        }
    };

    @Override
    public String serverVersion() {
        return call("INFO server", () -> RedisPorts.infoField(commands.info("server"), "redis_version"));
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
            StatefulRedisConnection<String, String> c = borrow();
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
                giveBack(c, healthy);
            }
        });
    }

    /** A dedicated connection (of a RedisClient) from the small pool, or a new one. */
    private StatefulRedisConnection<String, String> borrow() {
        StatefulRedisConnection<String, String> c = dedicated.poll();
        while (c != null && !c.isOpen()) {
            c.close();
            c = dedicated.poll();
        }
        return c != null ? c : ((RedisClient) client).connect();
    }

    /** Back to the pool if it is in a known state and there is room, else closed. */
    private void giveBack(StatefulRedisConnection<String, String> c, boolean healthy) {
        if (!healthy || !dedicated.offer(c)) {
            c.close();
        }
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
