package dev.latchkey.redis.jedis.internal;

import dev.latchkey.redis.common.Daemons;
import dev.latchkey.redis.common.RedisErrors;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.ReplicaWait;
import dev.latchkey.redis.common.RedisSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.KeyValue;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@link RedisPort} over Jedis' {@link UnifiedJedis} ({@link JedisPooled}, {@link JedisCluster}, or from a URI
 * with option {@code sentinel} a {@link JedisSentineled}, which follows the master that the Sentinels name).
 * Compare-and-set uses a dedicated pooled connection for WATCH/MULTI/EXEC, and a script followed by WAIT a
 * pooled connection of the key's master, pipelined. Pub/sub runs on one connection owned by one daemon
 * thread; it reconnects (to the current master) and resubscribes if that connection drops. Thread-safe.
 */
public final class JedisPort implements RedisPort {
    private final UnifiedJedis jedis;
    private final boolean owned;
    private final String where;
    private final long timeoutMillis;
    /** The Sentinel-aware connections of a port opened with option {@code sentinel}, else null. */
    private final SentineledConnectionProvider sentinel;
    /** The slot map of a cluster port opened from a URI, else null. */
    private final ClusterConnectionProvider slots;

    /** A channel nobody publishes to, subscribed for as long as the port is open (see {@link Subscriber}). */
    private static final String KEEPALIVE = "latchkey:__keepalive__";

    private final Object subscriptionLock = new Object();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> pending = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> listener = (c, m) -> { };
    private volatile Subscriber subscriber;
    private volatile boolean closed;

    public JedisPort(UnifiedJedis jedis, boolean owned, String where, long timeoutMillis) {
        this(jedis, null, null, owned, where, timeoutMillis);
    }

    private JedisPort(UnifiedJedis jedis, SentineledConnectionProvider sentinel, ClusterConnectionProvider slots, boolean owned,
                      String where, long timeoutMillis) {
        this.jedis = jedis;
        this.sentinel = sentinel;
        this.slots = slots;
        this.owned = owned;
        this.where = where;
        this.timeoutMillis = timeoutMillis;
    }

    static RedisPort open(RedisSettings s) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, s.timeout().toMillis());
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .user(s.user())
                .password(s.password())
                .database(s.database())
                .ssl(s.tls())
                .sslSocketFactory(s.tls() ? new HandshakeFirst() : null)
                .clientName("latchkey")
                .build();
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        s.nodes().forEach(n -> nodes.add(new HostAndPort(n.host(), n.port())));
        UnifiedJedis jedis;
        SentineledConnectionProvider sentinel = null;
        ClusterConnectionProvider slots = null;
        try {
            ConnectionPoolConfig pool = pool(s.timeout());
            if (s.sentinel() != null) {
                // The Sentinels take no password of the master's; they answer where the master is, and announce a
                // failover (+switch-master), upon which the provider's pool moves to the new master.
                JedisClientConfig sentinels = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout)
                        .socketTimeoutMillis(timeout).ssl(s.tls()).sslSocketFactory(s.tls() ? new HandshakeFirst() : null)
                        .clientName("latchkey").build();
                sentinel = new SentineledConnectionProvider(s.sentinel(), config, pool, nodes, sentinels);
                jedis = new JedisSentineled(sentinel);
            } else if (s.cluster()) {
                slots = new ClusterConnectionProvider(nodes, config, pool); // as JedisCluster makes it, kept to renew the slot map
                jedis = new JedisCluster(slots, JedisCluster.DEFAULT_MAX_ATTEMPTS, Duration.ofMillis((long) timeout * JedisCluster.DEFAULT_MAX_ATTEMPTS));
            } else {
                jedis = new JedisPooled(nodes.iterator().next(), config, pool);
            }
        } catch (RuntimeException e) {
            throw RedisErrors.translate(e, "CONNECT", s.address());
        }
        return new JedisPort(jedis, sentinel, slots, true, s.address(), timeout);
    }

    /** The most connections a port opens to one node (Jedis' default is 8, which 32 threads queue for). */
    static final int MAX_CONNECTIONS = 64;

    /**
     * A pool sized to the demand: it grows to as many connections as threads call at once (up to
     * {@link #MAX_CONNECTIONS}), keeps them while they are used (Jedis' default keeps 8 idle and closes
     * the rest on return, so a burst of 32 threads reconnects on every call), and closes those idle for a
     * minute. A caller waits for a connection no longer than the command timeout.
     */
    static ConnectionPoolConfig pool(Duration timeout) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMinIdle(0);
        pool.setMaxWait(timeout);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setMinEvictableIdleDuration(Duration.ofMinutes(1));
        return pool;
    }

    /**
     * The JDK's TLS sockets, with the handshake done while connecting and the TCP socket closed if it
     * fails. Left to the first command, a handshake that times out (a TLS client on a plain-text port,
     * whose server waits for the end of a command line) leaves the TLS socket open, and Jedis, closing
     * the connection, flushes through it and waits for a handshake a second time.
     */
    private static final class HandshakeFirst extends SSLSocketFactory {
        private final SSLSocketFactory tls = (SSLSocketFactory) SSLSocketFactory.getDefault();

        @Override
        public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
            SSLSocket socket = (SSLSocket) tls.createSocket(plain, host, port, autoClose);
            try {
                socket.startHandshake();
            } catch (IOException e) {
                plain.close();
                throw e;
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return tls.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return tls.createSocket(host, port, local, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return tls.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return tls.createSocket(host, port, local, localPort);
        }
    }

    @Override
    public List<Object> eval(RedisScript script, List<String> keys, List<String> args) {
        Object reply = call("EVALSHA " + script.name(), () -> {
            try {
                return jedis.evalsha(script.sha1(), keys, args);
            } catch (RuntimeException e) {
                if (RedisErrors.isNoScript(e)) {
                    return jedis.eval(script.body(), keys, args); // EVAL also caches it again
                }
                throw e;
            }
        });
        return RedisPorts.normalize(reply);
    }

    /**
     * The script and the WAIT go out together on one pooled connection of the key's master (a Jedis
     * {@link Pipeline}), whose read timeout is stretched by the WAIT's for that call. On a dead or moved node in a
     * cluster, the slot map is renewed (for a JedisCluster handed over, by a call that JedisCluster routes itself).
     */
    @Override
    public ReplicaWait.Acknowledged evalAndWait(RedisScript script, List<String> keys, List<String> args, ReplicaWait wait) {
        String key = keys.get(0);
        return call("EVALSHA " + script.name() + " + " + wait.command(), () -> {
            try (Connection c = connectionFor(key)) {
                int readTimeout = c.getSoTimeout();
                c.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout + wait.timeoutMillis()));
                try {
                    try {
                        return pipelined(c, script, keys, args, wait, false);
                    } catch (JedisDataException e) {
                        if (RedisErrors.isNoScript(e)) {
                            return pipelined(c, script, keys, args, wait, true); // EVAL also caches it again
                        }
                        throw e;
                    }
                } finally {
                    if (!c.isBroken()) {
                        c.setSoTimeout(readTimeout);
                    }
                }
            } catch (JedisConnectionException | JedisRedirectionException e) {
                try {
                    if (slots != null) {
                        slots.renewSlotCache();
                    } else if (jedis instanceof JedisCluster) {
                        jedis.exists(key); // routed by JedisCluster itself, which renews its slot map on MOVED or a dead node
                    }
                } catch (RuntimeException ignored) {
                    // the cluster is still failing over; the caller retries later
                }
                throw e;
            }
        });
    }

    private static ReplicaWait.Acknowledged pipelined(Connection c, RedisScript script, List<String> keys, List<String> args,
                                                      ReplicaWait wait, boolean body) {
        Pipeline p = new Pipeline(c);
        Response<Object> reply = body ? p.eval(script.body(), keys, args) : p.evalsha(script.sha1(), keys, args);
        Response<Long> replicas = wait.aof() ? null : p.waitReplicas(wait.replicas(), wait.timeoutMillis());
        Response<KeyValue<Long, Long>> aof = wait.aof() ? p.waitAOF(0, wait.replicas(), wait.timeoutMillis()) : null;
        p.sync();
        List<Object> result = RedisPorts.normalize(reply.get()); // throws the script's error, if any
        return new ReplicaWait.Acknowledged(result, wait.aof() ? aof.get().getValue() : replicas.get());
    }

    @Override
    public String serverVersion() {
        return call("INFO server", () -> {
            try (Jedis j = new Jedis(connectionFor(KEEPALIVE))) {
                return RedisPorts.infoField(j.info("server"), "redis_version");
            }
        });
    }

    @Override
    public boolean setNx(String key, String value, long ttlMillis) {
        SetParams params = ttlMillis > 0 ? SetParams.setParams().nx().px(ttlMillis) : SetParams.setParams().nx();
        return "OK".equals(call("SET NX", () -> jedis.set(key, value, params)));
    }

    @Override
    public String get(String key) {
        return call("GET", () -> jedis.get(key));
    }

    @Override
    public String getSet(String key, String value) {
        return call("GETSET", () -> jedis.getSet(key, value));
    }

    @Override
    public long del(String key) {
        return call("DEL", () -> jedis.del(key));
    }

    @Override
    public boolean pexpire(String key, long millis) {
        return call("PEXPIRE", () -> jedis.pexpire(key, millis)) == 1L;
    }

    @Override
    public long pttl(String key) {
        return call("PTTL", () -> jedis.pttl(key));
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
        return compareAndSet(key, expected, t -> t.del(key));
    }

    @Override
    public boolean replaceIfEquals(String key, String expected, String value, long ttlMillis) {
        return compareAndSet(key, expected, t -> t.set(key, value, SetParams.setParams().px(ttlMillis)));
    }

    private boolean compareAndSet(String key, String expected, java.util.function.Consumer<Transaction> write) {
        return call("WATCH/MULTI/EXEC", () -> {
            try (Jedis j = new Jedis(connectionFor(key))) {
                while (true) {
                    j.watch(key);
                    if (!expected.equals(j.get(key))) {
                        j.unwatch();
                        return false;
                    }
                    Transaction t = j.multi();
                    write.accept(t);
                    List<Object> done = t.exec();
                    if (done != null && !done.isEmpty()) {
                        return true;
                    }
                    // a concurrent write aborted EXEC: look again
                }
            }
        });
    }

    private Connection connectionFor(String key) {
        if (jedis instanceof JedisCluster) {
            return ((JedisCluster) jedis).getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
        }
        if (jedis instanceof JedisPooled) {
            return ((JedisPooled) jedis).getPool().getResource();
        }
        if (sentinel != null) {
            return sentinel.getConnection();
        }
        throw new UnsupportedOperationException("WATCH and WAIT need a JedisPooled or JedisCluster (or a URI), not "
                + jedis.getClass().getSimpleName());
    }

    @Override
    public void onMessage(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    @Override
    public void subscribe(String channel) {
        CountDownLatch confirmed;
        synchronized (subscriptionLock) {
            if (closed) {
                throw RedisErrors.translate(new IllegalStateException("port is closed"), "SUBSCRIBE", where);
            }
            confirmed = pending.get(channel);
            if (confirmed == null) {
                if (!channels.add(channel)) {
                    return; // already confirmed
                }
                confirmed = new CountDownLatch(1);
                pending.put(channel, confirmed);
                Subscriber s = subscriber;
                if (s == null) {
                    subscriber = s = new Subscriber();
                    s.start(); // subscribes to every channel in the set once connected
                } else if (s.connected) {
                    s.send(channel, true);
                }
            }
        }
        boolean ok = false;
        try {
            ok = confirmed.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ok) {
            unsubscribe(channel); // roll back, so that a later call tries afresh
            String why = Thread.currentThread().isInterrupted() ? "interrupted while waiting for the SUBSCRIBE confirmation"
                    : "no SUBSCRIBE confirmation within " + timeoutMillis + " ms";
            throw RedisErrors.translate(new JedisConnectionException(why), "SUBSCRIBE", where);
        }
    }

    @Override
    public void unsubscribe(String channel) {
        synchronized (subscriptionLock) {
            pending.remove(channel);
            Subscriber s = subscriber;
            if (channels.remove(channel) && s != null && s.connected) {
                s.send(channel, false);
            }
        }
    }
    @Override
    public void ping() {
        call("PING", jedis::ping);
    }

    @Override
    public String describe() {
        return "jedis " + where;
    }

    @Override
    public void close() {
        Subscriber s;
        synchronized (subscriptionLock) {
            closed = true;
            s = subscriber;
        }
        if (s != null) {
            s.stop();
        }
        if (owned) {
            jedis.close();
        }
    }

    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw RedisErrors.translate(e, what, where);
        }
    }

    /**
     * The thread that owns the pub/sub connection. Besides the callers' channels it always listens to
     * {@link #KEEPALIVE}, so the subscription count never drops to zero while the port is open: Jedis
     * would otherwise end its read loop and hand the connection back to the pool with replies unread.
     */
    private final class Subscriber extends JedisPubSub implements Runnable {
        private final Thread thread = new Thread(this, "latchkey-jedis-pubsub");
        /**
         * Writes SUBSCRIBE and UNSUBSCRIBE in the order they were decided under subscriptionLock, so that no socket
         * write happens under it (a write to a link that stopped reading can block). One thread, started on demand
         * and gone after a minute idle.
         */
        private final ThreadPoolExecutor writes = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), Daemons.named("latchkey-jedis-pubsub-send"));
        private volatile Connection connection;
        /** True from the first confirmation on a connection until that connection fails; guarded by subscriptionLock for writes. */
        volatile boolean connected;
        private Set<String> initial = Set.of();
        /** Set by the first confirmation on a connection, cleared by the reconnect loop; guarded by subscriptionLock. */
        private boolean subscribedOnce;

        void start() {
            writes.allowCoreThreadTimeOut(true);
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Queues SUBSCRIBE or UNSUBSCRIBE (the caller holds subscriptionLock, which fixes the order); a failure is
         * left to the reconnect loop, which subscribes to the current set. A command that reaches a newer
         * connection than the one it was meant for is harmless: that connection starts with the current set.
         */
        void send(String channel, boolean subscribe) {
            try {
                writes.execute(() -> {
                    try {
                        if (subscribe) {
                            subscribe(channel);
                        } else {
                            unsubscribe(channel);
                        }
                    } catch (RuntimeException e) {
                        // the connection is failing: run() reconnects and subscribes to the current set
                    }
                });
            } catch (RejectedExecutionException stopped) {
                // the port is closing
            }
        }

        void stop() {
            writes.shutdownNow();
            Connection c = connection;
            if (c != null) {
                c.setBroken(); // so that the pool destroys it instead of reusing it
                try {
                    c.forceDisconnect(); // ends the blocking read at once, even on a dead link
                } catch (Exception ignored) {
                    // already gone
                }
            } else if (connected) {
                try {
                    unsubscribe(); // a client type without direct connection access: end the loop politely
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
            thread.interrupt();
        }

        @Override
        public void run() {
            long backoff = 50;
            while (!closed) {
                Connection c = null;
                try {
                    synchronized (subscriptionLock) {
                        Set<String> now = new java.util.HashSet<>(channels);
                        now.add(KEEPALIVE);
                        initial = now;
                    }
                    c = jedis instanceof JedisPooled || jedis instanceof JedisCluster || sentinel != null ? connectionFor(KEEPALIVE) : null;
                    connection = c;
                    if (closed) {
                        return;
                    }
                    // blocks until the connection fails or stop()
                    if (c != null) {
                        proceed(c, initial.toArray(String[]::new));
                    } else {
                        jedis.subscribe(this, initial.toArray(String[]::new));
                    }
                } catch (RuntimeException e) {
                    // connection lost or refused: retry after a pause; waiters fall back to their re-check
                } finally {
                    synchronized (subscriptionLock) {
                        connected = false;
                        if (subscribedOnce) {
                            backoff = 50; // the connection worked: a new failure (a failover) starts the pauses afresh
                            subscribedOnce = false;
                        }
                    }
                    connection = null;
                    if (c != null) {
                        c.setBroken();
                        c.close();
                    }
                }
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(2_000, backoff * 2);
            }
        }

        @Override
        public void onSubscribe(String channel, int count) {
            synchronized (subscriptionLock) {
                if (!connected) {
                    connected = true;
                    subscribedOnce = true;
                    for (String c : channels) {
                        if (!initial.contains(c)) {
                            send(c, true); // added while the connection was being established
                        }
                    }
                }
                CountDownLatch latch = pending.remove(channel);
                if (latch != null) {
                    latch.countDown();
                }
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            if (!KEEPALIVE.equals(channel)) {
                listener.accept(channel, message);
            }
        }
    }
}
