package dev.latchkey.redis.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The wake hub makes its SUBSCRIBE and UNSUBSCRIBE calls under no lock: a subscription that is slow to be
 * confirmed holds up only the waiters of its own channel, which share it.
 */
class WakeHubTest {
    private static final RedisServer server = RedisServer.shared();
    /** Far longer than anything here should take; a test that waits this long has failed. */
    private static final long STUCK_SECONDS = 10;

    @Test
    void aSlowSubscribeHoldsUpNeitherAnotherChannel_norMoreThanOneCall() throws Exception {
        GatedPort port = new GatedPort("slow");
        try (RedisPort gated = port.port; WakeHub hub = new WakeHub(gated, Duration.ofSeconds(30))) {
            CompletableFuture<WakeHub.Waiter> first = CompletableFuture.supplyAsync(() -> join(hub, "slow", "t1"));
            assertTrue(port.entered.await(STUCK_SECONDS, TimeUnit.SECONDS), "the first joiner subscribes");
            CompletableFuture<WakeHub.Waiter> second = CompletableFuture.supplyAsync(() -> join(hub, "slow", "t2"));

            // Before the fix, the hub held one lock across every SUBSCRIBE: this join waited for the slow one.
            WakeHub.Waiter other = CompletableFuture.supplyAsync(() -> join(hub, "fast", "t3")).get(STUCK_SECONDS, TimeUnit.SECONDS);
            assertTrue(hub.isSubscribed("fast"));
            assertFalse(first.isDone() || second.isDone(), "the slow channel's joiners wait for its confirmation");

            port.gate.countDown();
            first.get(STUCK_SECONDS, TimeUnit.SECONDS);
            second.get(STUCK_SECONDS, TimeUnit.SECONDS);
            assertTrue(hub.isSubscribed("slow"));
            assertEquals(1, port.subscribes("slow"), "the joiners of one channel share one SUBSCRIBE");
            hub.leave("fast", other);
        }
    }

    @Test
    void anIdleChannelUnsubscribed_isSubscribedAgainInOrder_andHearsMessages() throws Exception {
        GatedPort port = new GatedPort("none");
        try (RedisPort gated = port.port; WakeHub hub = new WakeHub(gated, Duration.ofMillis(20));
             RedisPort publisher = open()) {
            port.gate.countDown();
            for (int round = 0; round < 20; round++) { // leave, let the janitor unsubscribe, join again
                WakeHub.Waiter w = hub.join("churn", "t" + round);
                assertTrue(hub.isSubscribed("churn"));
                assertEquals(Long.MAX_VALUE, w.otherHoldEnds());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STUCK_SECONDS);
                while (w.otherHoldEnds() == Long.MAX_VALUE && System.nanoTime() < deadline) {
                    publisher.eval(PUBLISH, List.of(), List.of("churn", WakeHub.RELEASED));
                    Thread.sleep(5);
                }
                assertNotEquals(Long.MAX_VALUE, w.otherHoldEnds(), "round " + round + ": the waiter heard the release");
                hub.leave("churn", w);
                while (hub.isSubscribed("churn") && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertFalse(hub.isSubscribed("churn"), "the janitor unsubscribed the idle channel");
            }
            assertEquals(20, port.subscribes("churn"));
        }
    }

    private static final RedisScript PUBLISH = new RedisScript("publish.lua", "return redis.call('PUBLISH', ARGV[1], ARGV[2])");

    private static WakeHub.Waiter join(WakeHub hub, String channel, String token) {
        try {
            return hub.join(channel, token);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RedisPort open() {
        return RedisPorts.open(RedisSettings.parse(URI.create("redis-lua://127.0.0.1:" + server.port() + "?client=jedis"),
                Set.of(), Duration.ofSeconds(30)));
    }

    /**
     * A real port whose SUBSCRIBE to one channel waits at a gate before it goes out; it counts SUBSCRIBE calls. Every
     * call goes to the real port.
     */
    private static final class GatedPort implements InvocationHandler {
        final RedisPort real = open();
        final RedisPort port = (RedisPort) Proxy.newProxyInstance(RedisPort.class.getClassLoader(), new Class<?>[] {RedisPort.class}, this);
        final String gated;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        final Map<String, AtomicInteger> subscribes = new ConcurrentHashMap<>();

        GatedPort(String gated) {
            this.gated = gated;
        }

        int subscribes(String channel) {
            return subscribes.getOrDefault(channel, new AtomicInteger()).get();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("subscribe")) {
                String channel = (String) args[0];
                subscribes.computeIfAbsent(channel, c -> new AtomicInteger()).incrementAndGet();
                if (channel.equals(gated)) {
                    entered.countDown();
                    gate.await();
                }
            } else if (method.getName().equals("close")) {
                gate.countDown();
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
