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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
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
 * pair costs one round trip. Those connections belong to a client that never reconnects: after a
 * reconnect Lettuce re-sends what the lost connection left unanswered, perhaps to another server (a new
 * master), and a WAIT re-sent there would count acknowledgements of nothing the script wrote. In a
 * cluster they connect to the master of the key's slot.
 */
public final class LettucePort implements RedisPort {
    private final AbstractRedisClient client;
    private final boolean owned;
    private final String where;
    private final AutoCloseable connection;
    private final RedisClusterCommands<String, String> commands;
    /** The cluster connection, for its slot map; null for a RedisClient. */
    private final StatefulRedisClusterConnection<String, String> cluster;
    /** The client of the script-and-WAIT connections, which never reconnects; null if not available. */
    private final RedisClient waits;
    private final boolean ownsWaits;
    /** A cluster node's URI with this port's settings; null for one server or Sentinel. */
    private final UnaryOperator<RedisURI> nodeUri;
    /** Idle script-and-WAIT connections by node ({@code host:port}, or "" for the master). */
    private final Map<String, BlockingQueue<StatefulRedisConnection<String, String>>> waitPools = new ConcurrentHashMap<>();
    private final BlockingQueue<StatefulRedisConnection<String, String>> dedicated = new ArrayBlockingQueue<>(8);
    private volatile BiConsumer<String, String> listener = (c, m) -> { };
    /**
     * The pub/sub connection, made by the first subscribe; a connect can take the whole timeout, so it is made
     * under no monitor, and callers that arrive meanwhile wait for the same attempt.
     */
    private final AtomicReference<CompletableFuture<StatefulRedisPubSubConnection<String, String>>> pubsub = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A port over a client the application handed over. Replica acknowledgement needs a {@link RedisClient}
     * whose options turn auto-reconnect off (see the class comment); with any other, {@link #evalAndWait} is
     * unsupported.
     */
    public LettucePort(AbstractRedisClient client, boolean owned, String where) {
        this(client, client instanceof RedisClient && !client.getOptions().isAutoReconnect() ? (RedisClient) client : null,
                false, null, owned, where);
    }

    private LettucePort(AbstractRedisClient client, RedisClient waits, boolean ownsWaits, UnaryOperator<RedisURI> nodeUri,
                        boolean owned, String where) {
        this.client = client;
        this.waits = waits;
        this.ownsWaits = ownsWaits;
        this.nodeUri = nodeUri;
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
            if (ownsWaits) {
                waits.shutdown();
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
        UnaryOperator<RedisURI> nodeUri = null;
        RedisClient waits;
        if (s.cluster()) {
            // Every seed, with the first one's settings; the topology is refreshed when a command meets a moved
            // slot or a node keeps failing (a failover), at most once a second.
            List<RedisURI> seeds = s.nodes().stream().map(n -> b.withHost(n.host()).withPort(n.port()).build()).toList();
            RedisClusterClient cluster = RedisClusterClient.create(SharedResources.INSTANCE, seeds);
            cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1)).build())
                    .build());
            client = cluster;
            RedisURI template = seeds.get(0);
            nodeUri = node -> RedisURI.builder(template).withHost(node.getHost()).withPort(node.getPort()).build();
            waits = RedisClient.create(SharedResources.INSTANCE);
        } else {
            RedisClient single = RedisClient.create(SharedResources.INSTANCE, b.build());
            single.setOptions(ClientOptions.builder().socketOptions(socket).build());
            client = single;
            waits = RedisClient.create(SharedResources.INSTANCE, b.build());
        }
        waits.setOptions(ClientOptions.builder().socketOptions(socket).autoReconnect(false).timeoutOptions(timeouts(s.timeout())).build());
        return new LettucePort(client, waits, true, nodeUri, true, s.address());
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
        if (waits == null) {
            throw new UnsupportedOperationException("replica acknowledgement over a Lettuce client handed over needs a"
                    + " RedisClient with ClientOptions.autoReconnect(false) (Lettuce re-sends unanswered commands after a"
                    + " reconnect, perhaps to a new master, which would part a script from its WAIT); or open the lock"
                    + " client from a URI");
        }
        return call("EVALSHA " + script.name() + " + " + wait.command(), () -> {
            RedisURI node = null;
            if (cluster != null) {
                var owner = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(keys.get(0)));
                if (owner == null) {
                    ((RedisClusterClient) client).refreshPartitionsAsync();
                    throw new RedisException("no node serves the slot of " + keys.get(0) + " yet (CLUSTERDOWN)");
                }
                node = nodeUri.apply(owner.getUri());
            }
            String pool = node == null ? "" : node.getHost() + ":" + node.getPort();
            StatefulRedisConnection<String, String> c = null;
            boolean healthy = false;
            try {
                c = borrowWait(pool, node);
                ReplicaWait.Acknowledged done = pipelined(c, script, keys, args, wait, false);
                healthy = true;
                return done;
            } catch (RuntimeException e) {
                if (cluster != null) {
                    ((RedisClusterClient) client).refreshPartitionsAsync(); // a failover moved the slot, or its node died
                }
                throw e;
            } finally {
                if (c != null) {
                    giveBackWait(pool, c, healthy);
                }
            }
        });
    }

    /** An idle script-and-WAIT connection to {@code node} (null: the master), or a new one. */
    private StatefulRedisConnection<String, String> borrowWait(String pool, RedisURI node) {
        BlockingQueue<StatefulRedisConnection<String, String>> idle = waitPools.computeIfAbsent(pool, p -> new ArrayBlockingQueue<>(8));
        for (StatefulRedisConnection<String, String> c; (c = idle.poll()) != null; ) {
            if (c.isOpen()) {
                return c;
            }
            c.close();
        }
        return node == null ? waits.connect() : waits.connect(node);
    }

    private void giveBackWait(String pool, StatefulRedisConnection<String, String> c, boolean healthy) {
        if (!healthy || !c.isOpen() || !waitPools.get(pool).offer(c)) {
            c.close();
        }
    }

    /** The script and the WAIT in one write on {@code c}, which no other thread uses meanwhile. */
    private static ReplicaWait.Acknowledged pipelined(StatefulRedisConnection<String, String> c, RedisScript script,
            List<String> keys, List<String> args, ReplicaWait wait, boolean body) {
        String[] k = keys.toArray(String[]::new);
        String[] a = args.toArray(String[]::new);
        RedisAsyncCommands<String, String> async = c.async();
        RedisFuture<Object> reply;
        RedisFuture<?> acknowledged;
        c.setAutoFlushCommands(false);
        try {
            reply = body ? async.eval(script.body(), ScriptOutputType.MULTI, k, a)
                    : async.evalsha(script.sha1(), ScriptOutputType.MULTI, k, a);
            acknowledged = wait.aof()
                    ? async.dispatch(WAITAOF, new ArrayOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).add(0).add(wait.replicas()).add(wait.timeoutMillis()))
                    : async.waitForReplication(wait.replicas(), wait.timeoutMillis());
            c.flushCommands();
        } finally {
            c.setAutoFlushCommands(true);
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
            return pipelined(c, script, keys, args, wait, true);
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

    private StatefulRedisPubSubConnection<String, String> pubsub() {
        while (true) {
            if (closed.get()) {
                throw new IllegalStateException("port is closed");
            }
            CompletableFuture<StatefulRedisPubSubConnection<String, String>> made = pubsub.get();
            if (made != null) {
                try {
                    return made.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            CompletableFuture<StatefulRedisPubSubConnection<String, String>> mine = new CompletableFuture<>();
            if (pubsub.compareAndSet(null, mine)) {
                StatefulRedisPubSubConnection<String, String> c;
                try {
                    c = client instanceof RedisClusterClient
                            ? ((RedisClusterClient) client).connectPubSub()
                            : ((RedisClient) client).connectPubSub();
                } catch (RuntimeException e) {
                    pubsub.compareAndSet(mine, null); // a later call tries again
                    mine.completeExceptionally(e);
                    throw e;
                }
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        listener.accept(channel, message);
                    }
                });
                mine.complete(c);
                if (closed.get()) {
                    c.close(); // close() ran while this connected (it closes a connection it finds made, too)
                }
                return c;
            }
        }
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
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> made = pubsub.get();
        if (made != null && made.isDone() && !made.isCompletedExceptionally()) {
            made.join().close(); // one still connecting is closed by its connecting thread
        }
        for (StatefulRedisConnection<String, String> c; (c = dedicated.poll()) != null; ) {
            c.close();
        }
        for (BlockingQueue<StatefulRedisConnection<String, String>> idle : waitPools.values()) {
            for (StatefulRedisConnection<String, String> c; (c = idle.poll()) != null; ) {
                c.close();
            }
        }
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        if (owned) {
            client.shutdown();
        }
        if (ownsWaits) {
            waits.shutdown();
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
