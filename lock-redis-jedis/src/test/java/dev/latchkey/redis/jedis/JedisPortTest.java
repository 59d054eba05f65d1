package dev.latchkey.redis.jedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.contract.RedisPortContract;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The port contract on Jedis, and what only the Jedis port has: its pub/sub thread. */
class JedisPortTest extends RedisPortContract {

    JedisPortTest() {
        super("jedis");
    }

    @Test
    void close_endsTheSubscriberThread() throws Exception {
        RedisServer server = RedisServer.shared();
        long before = subscriberThreads();
        RedisPort port = RedisPorts.open(RedisSettings.parse(URI.create("redis-x://127.0.0.1:" + server.port()),
                Set.of(), Duration.ofSeconds(30)));
        port.subscribe("closing");
        assertEquals(before + 1, subscriberThreads());
        port.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (subscriberThreads() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, subscriberThreads(), "the pub/sub thread is gone after close");
        assertFalse(server.command("CLIENT", "LIST").contains("sub=1 "), "its connection is closed");
    }

    private static long subscriberThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("latchkey-jedis-pubsub")).count();
    }
}
