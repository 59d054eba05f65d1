package dev.latchkey.redis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.common.ReplicaWait;
import dev.latchkey.redis.testkit.RedisReplication;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The port's scripts and pub/sub against a real redis-server. Each client adapter module runs it on
 * its client by subclassing (this class ships in lock-redis-common's test jar; its package is
 * one that no module has, so that it can sit on the class path of a module's tests).
 */
public abstract class RedisPortContract {
    private static final RedisScript ECHO = new RedisScript("echo.lua", "return {tonumber(ARGV[1]) + 1, KEYS[1], false}");
    private static final RedisServer server = RedisServer.shared();

    /** The adapter under test: {@code jedis} or {@code lettuce}. */
    private final String client;

    protected RedisPortContract(String client) {
        this.client = client;
    }

    private RedisPort open() {
        return RedisPorts.open(RedisSettings.parse(URI.create("redis-x://127.0.0.1:" + server.port() + "?client=" + client),
                Set.of(), Duration.ofSeconds(30)));
    }

    /** Each adapter module's tests see that adapter alone: it is the default, and asking for the other names its artifact. */
    @Test
    void withoutAClientOption_theOnlyAdapterPresentIsUsed() {
        try (RedisPort port = RedisPorts.open(RedisSettings.parse(URI.create("redis-lua://127.0.0.1:" + server.port()),
                Set.of(), Duration.ofSeconds(30)))) {
            assertEquals(client + " 127.0.0.1:" + server.port() + "/0", port.describe());
        }
    }

    @Test
    void askingForAnAbsentAdapter_namesItsArtifact() {
        String other = client.equals("jedis") ? "lettuce" : "jedis";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisPorts.open(RedisSettings.parse(
                URI.create("redis-lua://127.0.0.1:" + server.port() + "?client=" + other), Set.of(), Duration.ofSeconds(30))));
        assertTrue(e.getMessage().startsWith("redis-lua client=" + other + " needs dev.latchkey:lock-redis-" + other + " in your dependencies"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("client adapters present: " + client), e.getMessage());
    }

    @Test
    void eval_normalizesReplies_andRecoversFromScriptFlush() {
        try (RedisPort port = open()) {
            for (int i = 0; i < 3; i++) {
                server.command("SCRIPT", "FLUSH");
                List<Object> reply = port.eval(ECHO, List.of("k"), List.of("41"));
                assertEquals(42L, reply.get(0));
                assertEquals("k", reply.get(1));
                assertEquals(null, reply.get(2));
            }
        }
    }

    @Test
    void setNx_setsOnlyAbsentKeys_withTheTtlInTheSameCommand() {
        try (RedisPort port = open()) {
            String key = "setnx-" + client;
            server.command("DEL", key, key + "-bare");
            assertTrue(port.setNx(key, "a", 60_000));
            assertFalse(port.setNx(key, "b", 60_000));
            assertEquals("a", port.get(key));
            long ttl = port.pttl(key);
            assertTrue(ttl > 50_000 && ttl <= 60_000, "PTTL " + ttl);
            assertTrue(port.setNx(key + "-bare", "c", 0));
            assertEquals(-1L, port.pttl(key + "-bare"), "no TTL asked, none set");
        }
    }

    @Test
    void subscribe_isConfirmedBeforeItReturns_soAnImmediatePublishArrives() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (RedisPort port = open()) {
            port.onMessage((channel, message) -> received.add(channel + "=" + message));
            for (int i = 0; i < 20; i++) {
                String channel = "confirmed-" + client + "-" + i;
                port.subscribe(channel);
                assertEquals("1", server.command("PUBLISH", channel, "m"), "subscribed when subscribe() returned");
                assertEquals(channel + "=m", received.poll(2, TimeUnit.SECONDS));
                port.unsubscribe(channel);
            }
        }
    }

    /**
     * Regression: with Jedis, unsubscribing the last channel used to end the subscriber's read loop
     * and hand the pub/sub connection back to the pool with a SUBSCRIBE reply still unread, so a later
     * command on it read the wrong reply. A permanent keep-alive channel prevents that.
     */
    @Test
    void subscribeUnsubscribeChurn_leavesCommandsAndMessagesIntact() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (RedisPort port = open()) {
            port.onMessage((channel, message) -> received.add(channel));
            for (int i = 0; i < 200; i++) {
                port.subscribe("churn");
                port.unsubscribe("churn");
                port.setNx("churn-key-" + client + i, "v", 0);
                assertEquals("v", port.get("churn-key-" + client + i));
            }
            port.subscribe("after");
            server.command("PUBLISH", "after", "x");
            assertEquals("after", received.poll(2, TimeUnit.SECONDS));
            for (int i = 0; i < 50; i++) {
                assertEquals(1L, port.eval(ECHO, List.of("k"), List.of("0")).get(0));
            }
        }
    }

    /**
     * The script and its WAIT share a connection, so WAIT counts the script's write: one replica has it; with
     * replication held back, none does and WAIT answers after its timeout, with the script's reply intact, even
     * when that timeout is longer than the command timeout (1 s) and the script must be sent again (NOSCRIPT: the
     * WAIT that followed the failed EVALSHA blocks too).
     */
    @Test
    void evalAndWait_countsTheReplicasThatHaveTheScriptsWrite() {
        RedisScript set = new RedisScript("set.lua", "redis.call('SET', KEYS[1], ARGV[1]) return {1, ARGV[1]}");
        ReplicaWait patient = new ReplicaWait(1, 5_000, false); // answers as soon as the replica has it
        ReplicaWait wait = new ReplicaWait(1, 1_200, false);
        try (RedisReplication replication = RedisReplication.start(1);
             RedisPort port = RedisPorts.open(RedisSettings.parse(URI.create("redis-x://127.0.0.1:" + replication.master().port()
                     + "?client=" + client + "&timeout=1s"), Set.of(), Duration.ofSeconds(30)))) {
            RedisServer replica = replication.replicas().get(0);
            for (int i = 0; i < 3; i++) {
                replication.master().command("SCRIPT", "FLUSH"); // the first call after a flush sends the body
                ReplicaWait.Acknowledged done = port.evalAndWait(set, List.of("ha-" + client), List.of("v" + i), patient);
                assertEquals(List.of(1L, "v" + i), done.reply());
                assertEquals(1, done.acknowledged(), "iteration " + i);
                assertEquals("v" + i, replica.call("GET", "ha-" + client), "acknowledged, so the replica has it");
            }
            replication.holdBackReplication();
            replication.master().command("SCRIPT", "FLUSH");
            long start = System.nanoTime();
            ReplicaWait.Acknowledged done = port.evalAndWait(set, List.of("ha-" + client), List.of("lost"), wait);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(1L, "lost"), done.reply());
            assertEquals(0, done.acknowledged(), "no replica has it");
            assertTrue(ms >= 2 * 1_200 - 20, "answered after " + ms + " ms, before two WAITs of 1200 ms");
            assertEquals("lost", port.get("ha-" + client), "the master has it");
            replication.releaseReplication();
        }
    }

    @Test
    void serverVersion_isInfoServersRedisVersion() {
        try (RedisPort port = open()) {
            String info = String.valueOf(server.call("INFO", "server"));
            assertEquals(RedisPorts.infoField(info, "redis_version"), port.serverVersion());
            assertTrue(port.serverVersion().matches("\\d+\\.\\d+\\.\\d+"), port.serverVersion());
        }
    }

    /**
     * A subscribe that hangs (the pub/sub connection is being made, or its confirmation awaited, over a link that
     * stopped answering) holds no lock that close() needs: close returns at once, and the subscribe fails.
     */
    @Test
    void closeDoesNotWaitForASubscribeThatHangs() throws Exception {
        long timeoutMillis = 3_000;
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port())) {
            RedisPort port = RedisPorts.open(RedisSettings.parse(URI.create("redis-x://127.0.0.1:" + proxy.port()
                    + "?client=" + client + "&timeout=" + timeoutMillis + "ms"), Set.of(), Duration.ofSeconds(30)));
            proxy.blackhole();
            CompletableFuture<Void> subscribe = CompletableFuture.runAsync(() -> port.subscribe("hangs"));
            Thread.sleep(200); // the subscribe is under way (connecting, or waiting for its confirmation)
            assertFalse(subscribe.isDone(), "the subscribe should hang on the black-holed link");
            long t0 = System.nanoTime();
            port.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(closeMillis < timeoutMillis / 2, "close() took " + closeMillis + " ms: it waited for the hanging subscribe");
            ExecutionException failed = assertThrows(ExecutionException.class, () -> subscribe.get(2 * timeoutMillis, TimeUnit.MILLISECONDS));
            assertInstanceOf(RuntimeException.class, failed.getCause());
        }
    }

    @Test
    void subscriptionsSurviveAServerRestart() throws Exception {
        try (RedisServer own = RedisServer.start()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            try (RedisPort port = RedisPorts.open(RedisSettings.parse(URI.create("redis-x://127.0.0.1:" + own.port()
                    + "?client=" + client + "&timeout=1s"), Set.of(), Duration.ofSeconds(30)))) {
                port.onMessage((channel, message) -> received.add(channel));
                port.subscribe("survivor");
                own.restart();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    own.command("PUBLISH", "survivor", "x"); // until the client has resubscribed
                    Thread.sleep(100);
                }
                assertEquals("survivor", received.poll());
            }
        }
    }
}
