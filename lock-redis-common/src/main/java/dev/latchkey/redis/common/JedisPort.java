package dev.latchkey.redis.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.Set;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@link RedisPort} over Jedis' {@link UnifiedJedis} ({@link JedisPooled} or {@link JedisCluster}).
 * Compare-and-set uses a dedicated pooled connection for WATCH/MULTI/EXEC. Pub/sub runs on one
 * connection owned by one daemon thread; it reconnects and resubscribes if that connection drops.
 * Thread-safe.
 */
final class JedisPort implements RedisPort {
    private final UnifiedJedis jedis;
    private final boolean owned;
    private final String where;
    private final long timeoutMillis;

    private final Object subscriptionLock = new Object();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> pending = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> listener = (c, m) -> { };
    private volatile Subscriber subscriber;
    private volatile boolean closed;

    JedisPort(UnifiedJedis jedis, boolean owned, String where, long timeoutMillis) {
        this.jedis = jedis;
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
                .clientName("latchkey")
                .build();
        HostAndPort node = new HostAndPort(s.host(), s.port());
        UnifiedJedis jedis;
        try {
            jedis = s.cluster() ? new JedisCluster(Set.of(node), config) : new JedisPooled(node, config);
        } catch (RuntimeException e) {
            throw RedisErrors.translate(e, "CONNECT", s.address());
        }
        return new JedisPort(jedis, true, s.address(), timeout);
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

    @Override
    public boolean setNx(String key, String value) {
        return "OK".equals(call("SET NX", () -> jedis.set(key, value, SetParams.setParams().nx())));
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
        throw new UnsupportedOperationException("WATCH needs a JedisPooled or JedisCluster, not " + jedis.getClass().getSimpleName());
    }

    @Override
    public void onMessage(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    @Override
    public void subscribe(String channel) {
        CountDownLatch confirmed = new CountDownLatch(1);
        synchronized (subscriptionLock) {
            if (!channels.add(channel)) {
                return;
            }
            pending.put(channel, confirmed);
            Subscriber s = subscriber;
            if (s == null || !s.isSubscribed()) {
                if (s == null) {
                    subscriber = s = new Subscriber();
                    s.start();
                }
                // the subscriber thread subscribes to all channels when (re)connected
            } else {
                s.subscribe(channel);
            }
        }
        try {
            if (!confirmed.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw RedisErrors.translate(new IllegalStateException("no SUBSCRIBE confirmation within " + timeoutMillis + " ms"),
                        "SUBSCRIBE", where);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RedisErrors.translate(new IllegalStateException("interrupted", e), "SUBSCRIBE", where);
        }
    }

    @Override
    public void unsubscribe(String channel) {
        synchronized (subscriptionLock) {
            if (channels.remove(channel)) {
                Subscriber s = subscriber;
                if (s != null && s.isSubscribed()) {
                    s.unsubscribe(channel);
                }
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
        closed = true;
        Subscriber s = subscriber;
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

    /** The thread that owns the pub/sub connection. */
    private final class Subscriber extends JedisPubSub implements Runnable {
        private final Thread thread = new Thread(this, "latchkey-jedis-pubsub");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            synchronized (subscriptionLock) {
                if (isSubscribed()) {
                    try {
                        unsubscribe();
                    } catch (RuntimeException ignored) {
                        // connection already gone
                    }
                }
            }
            thread.interrupt();
        }

        @Override
        public void run() {
            long backoff = 50;
            while (!closed) {
                List<String> now;
                synchronized (subscriptionLock) {
                    now = new ArrayList<>(channels);
                }
                if (now.isEmpty()) {
                    now = List.of("latchkey:__idle__");
                }
                try {
                    jedis.subscribe(this, now.toArray(String[]::new)); // blocks until unsubscribed or failed
                    backoff = 50;
                } catch (RuntimeException e) {
                    // connection lost: resubscribe after a short pause; waiters fall back to their re-check
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
            CountDownLatch latch = pending.remove(channel);
            if (latch != null) {
                latch.countDown();
            }
            synchronized (subscriptionLock) {
                // channels added while the connection was being (re)established
                for (String c : pending.keySet()) {
                    if (channels.contains(c) && !c.equals(channel)) {
                        subscribe(c);
                    }
                }
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            listener.accept(channel, message);
        }
    }
}
