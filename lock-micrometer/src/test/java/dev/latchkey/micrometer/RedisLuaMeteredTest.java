package dev.latchkey.micrometer;

import dev.latchkey.redis.testkit.TestTime;
import static dev.latchkey.micrometer.LockMeters.ACQUIRE;
import static dev.latchkey.micrometer.LockMeters.ACTIVE;
import static dev.latchkey.micrometer.LockMeters.HELD;
import static dev.latchkey.micrometer.LockMeters.LOST;
import static dev.latchkey.micrometer.LockMeters.RENEWAL_FAILURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockView;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** End to end on the production backend: redis-lua over a real redis-server. */
class RedisLuaMeteredTest {
    private static final RedisServer server = RedisServer.shared();

    @Test
    void contentionRenewalFailureAndView_onRedisLua() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String uri = "redis-lua://127.0.0.1:" + server.port() + "?client=jedis&lease=30s";
        try (LockClient rival = Locks.open(uri);
             MeteredLockClient client = MeteredLockClient.builder(Locks.open(uri), registry).lockNameTags(10).build()) {
            String name = TestTime.name("redis-metered");
            String backend = client.describe();
            try (Lease theirs = rival.lock(name).acquire()) {
                assertTrue(client.lock(name).tryAcquire(Duration.ofMillis(100), Duration.ofSeconds(5)).isEmpty());
            }
            Duration leaseTime = Duration.ofMillis(600);
            Lease lease = client.lock(name).tryAcquire(Duration.ofSeconds(5), leaseTime).orElseThrow().renewAutomatically();
            assertTrue(lease.fencingToken() > 0);
            assertEquals(1, registry.get(ACTIVE).tags("backend", backend, "lock", name).gauge().value());
            assertTrue(rival.forceRelease(name));
            TestTime.await("the renewal failure is counted", leaseTime.multipliedBy(2),
                    () -> registry.get(RENEWAL_FAILURES).tags("lock", name).counter().count() == 1);
            assertEquals(1, registry.get(LOST).tags("lock", name).counter().count());

            LockView view = client.lock(name).asLock();
            view.lock();
            view.lock();
            assertEquals(2, view.getHoldCount());
            view.unlock();
            view.unlock();
            assertEquals(0, registry.get(ACTIVE).tags("lock", name).gauge().value());
            assertEquals(2, registry.get(ACQUIRE).tags("lock", name, "outcome", "granted").timer().count());
            assertEquals(1, registry.get(ACQUIRE).tags("lock", name, "outcome", "timeout").timer().count());
            assertEquals(2, registry.get(HELD).tags("lock", name).timer().count());
            assertTrue(rival.lock(name).tryAcquire(Duration.ofSeconds(5)).isPresent(), "the view released on Redis");
        }
    }
}
