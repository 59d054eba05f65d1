package dev.latchkey.redis.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.jedis.JedisClients;
import dev.latchkey.redis.lettuce.LettuceClients;
import dev.latchkey.redis.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** ServiceLoader registration, URI options, and the builder over clients the application already has. */
class ProviderTest {
    private static final RedisServer server = RedisServer.shared();

    @Test
    void serviceLoaderFindsTheRedisLuaScheme() {
        assertTrue(Locks.providers().stream().anyMatch(p -> p.scheme().equals("redis-lua")));
        assertEquals(LuaLockDriver.CAPABILITIES, Locks.provider("redis-lua").capabilities());
        assertTrue(Locks.provider("redis-lua").description().contains("fallback"));
    }

    @Test
    void uriOptions_areChecked_andNamed() {
        String base = "redis-lua://127.0.0.1:" + server.port();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?fiar=true")).getMessage().contains("unknown option 'fiar'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?fair=maybe")).getMessage().contains("fair"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?fallback=0s")).getMessage().contains("fallback"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?fallback=soon")).getMessage().contains("fallback"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?lease=0s")).getMessage().contains("lease"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?client=redisson")).getMessage().contains("client"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "?prefix=a{b")).getMessage().contains("prefix"));
        assertThrows(IllegalArgumentException.class, () -> new RedisLuaLockProvider().open(URI.create("redis-getset://127.0.0.1")));
    }

    @Test
    void replicaOptions_areChecked_andNamed() {
        String base = "redis-lua://127.0.0.1:" + server.port() + "?";
        assertEquals("option 'replicas' must be between 0 and 100, was -1",
                assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicas=-1")).getMessage());
        assertEquals("option 'replicas' must be a whole number, was 'all'",
                assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicas=all")).getMessage());
        assertEquals("option 'replicaTimeout' must be at least 1 ms, was PT0S",
                assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicas=1&replicaTimeout=0ms")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicas=1&replicaTimeout=soon"))
                .getMessage().startsWith("option 'replicaTimeout' is not a valid duration: 'soon'"));
        assertEquals("option 'replicaTimeout' needs option 'replicas' (how many replicas must acknowledge each write) of at least 1,"
                        + " in " + base + "replicaTimeout=1s",
                assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicaTimeout=1s")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicas=0&waitaof=true"))
                .getMessage().startsWith("option 'waitaof' needs option 'replicas'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Locks.open(base + "replicas=1&waitaof=sometimes"))
                .getMessage().contains("waitaof"));
        try (LockClient off = Locks.open(base + "replicas=0")) {
            assertFalse(off.capabilities().contains(dev.latchkey.Capability.FAILOVER_SAFE));
        }
    }

    @Test
    void uriOptions_leasePrefixAndFallback_takeEffect() throws Exception {
        try (LockClient c = Locks.open("redis-lua://127.0.0.1:" + server.port() + "/2?lease=7s&prefix=app:&fallback=3s&timeout=1s&client=lettuce")) {
            assertTrue(c.describe().contains("fallback 3000 ms") && c.describe().contains("prefix app:"), c.describe());
            try (Lease lease = c.lock("opts").acquire()) {
                assertTrue(lease.remaining().toMillis() > 5_000 && lease.remaining().toMillis() <= 7_000);
                assertEquals("1", server.command("EVAL", "redis.call('SELECT', 2) return redis.call('EXISTS', KEYS[1])", "1", "app:{opts}"));
            }
        }
    }

    @Test
    void withBothAdaptersPresentAndNoClientOption_jedisIsUsed() {
        try (LockClient c = Locks.open("redis-lua://127.0.0.1:" + server.port())) {
            assertTrue(c.describe().contains("jedis 127.0.0.1:" + server.port()), c.describe());
        }
    }

    @Test
    void builder_overAnExistingJedis_leavesItOpen() throws Exception {
        try (JedisPooled jedis = new JedisPooled("127.0.0.1", server.port())) {
            try (LockClient c = RedisLuaLocks.builder().lease(Duration.ofSeconds(5)).prefix("mine:").fallback(Duration.ofSeconds(1))
                    .build(JedisClients.connection(jedis, Duration.ofSeconds(2)));
                 Lease lease = c.lock("built").acquire()) {
                assertTrue(lease.fencingToken() > 0);
                assertEquals(lease.fencingToken(), Long.parseLong(jedis.hget("mine:{built}", "f")));
            }
            assertEquals("PONG", jedis.ping(), "closing the lock client left the application's client open");
            try (LockClient c = RedisLuaLocks.builder().build(JedisClients.connection(jedis, Duration.ofSeconds(2)))) {
                assertTrue(c.lock("built").tryAcquire().isPresent());
            }
        }
    }

    @Test
    void builder_overAnExistingLettuceClient_leavesItOpen() throws Exception {
        RedisClient lettuce = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try {
            try (LockClient c = RedisLuaLocks.builder().build(LettuceClients.connection(lettuce)); Lease lease = c.lock("built-lettuce").acquire()) {
                assertTrue(lease.isValid());
            }
            try (var connection = lettuce.connect()) {
                assertEquals("PONG", connection.sync().ping());
            }
        } finally {
            lettuce.shutdown();
        }
    }

    @Test
    void builder_rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> RedisLuaLocks.builder().lease(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> RedisLuaLocks.builder().fallback(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> RedisLuaLocks.builder().prefix("{x}"));
        assertFalse(RedisLuaLocks.builder() == RedisLuaLocks.builder());
    }
}
