package dev.latchkey.redis.quorum;

import static dev.latchkey.redis.quorum.TestQuorum.eventually;
import static dev.latchkey.redis.quorum.TestQuorum.fenceOn;
import static dev.latchkey.redis.quorum.TestQuorum.holderOn;
import static dev.latchkey.redis.quorum.TestQuorum.holding;
import static dev.latchkey.redis.quorum.TestQuorum.name;
import static dev.latchkey.redis.quorum.TestQuorum.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The quorum algorithm on three healthy nodes: what each node holds, the fence arithmetic, undo, extend, release. */
class QuorumLockTest {
    private static List<RedisServer> nodes;

    @BeforeAll
    static void start() {
        nodes = List.of(RedisServer.start(), RedisServer.start(), RedisServer.start());
    }

    @AfterAll
    static void stop() {
        nodes.forEach(RedisServer::close);
    }

    private static void occupy(RedisServer node, String name, String value, long ttlMillis) {
        node.call("SET", "latchkey:{" + name + "}:qlock", value, "PX", Long.toString(ttlMillis));
    }

    private static void setFence(RedisServer node, String name, long fence) {
        node.call("SET", "latchkey:{" + name + "}:qfence", Long.toString(fence));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void grant_isHeldOnTheNodes_withTheTokenCommittedToThem_andReleaseClearsThem(String client) throws Exception {
        String name = name("grant");
        try (LockClient c = TestQuorum.open(nodes, client, "")) {
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(30));
            LockInfo info = c.inspect(name).orElseThrow();
            assertNotNull(info.holder(), "a majority holds it: " + info);
            assertEquals(lease.fencingToken(), info.fencingToken());
            assertTrue(info.remaining().toMillis() > 29_000 && info.remaining().toMillis() <= 30_000, info.toString());
            assertTrue(eventually(() -> holding(nodes, name, info.holder()) >= 2), "a majority holds it");
            assertTrue(eventually(() -> holding(nodes, name, info.holder()) == 3), "every healthy node holds it");
            assertTrue(eventually(() -> nodes.stream().allMatch(n -> fenceOn(n, name) == lease.fencingToken())),
                    "the token is committed to every healthy node");
            long ttl = (Long) nodes.get(0).call("PTTL", "latchkey:{" + name + "}:qlock");
            assertTrue(ttl > 30_000 && ttl <= 30_000 + QuorumLockDriver.driftMillis(30_000),
                    "a node's TTL is the lease plus the drift allowance, was " + ttl);
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            assertTrue(eventually(() -> nodes.stream().allMatch(n -> holderOn(n, name) == null)));
            assertNull(c.inspect(name).orElseThrow().holder());
        }
    }

    @Test
    void token_isAboveTheFenceOfAnyMajority_andRaisesTheNodesThatMissedIt() throws Exception {
        String name = name("fence");
        setFence(nodes.get(1), name, 41);
        setFence(nodes.get(2), name, 41); // a majority knows 41, node 0 knows nothing
        try (LockClient c = TestQuorum.open(nodes, "jedis", "")) {
            Lease lease = c.lock(name).tryAcquire().orElseThrow();
            assertEquals(42, lease.fencingToken(), "every majority includes a node that knows 41");
            assertTrue(eventually(() -> fenceOn(nodes.get(0), name) == 42), "the commit raised the node that missed it");
            lease.release();
            setFence(nodes.get(0), name, 7); // never lowered by a lower commit: only the max counts
            assertEquals(43, c.lock(name).tryAcquire().orElseThrow().fencingToken());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void lockHeldByAMajority_isNotGranted_andTheFreeNodeIsUndone(String client) throws Exception {
        String name = name("held");
        occupy(nodes.get(0), name, "someone#1", 30_000);
        occupy(nodes.get(1), name, "someone#1", 30_000);
        try (LockClient c = TestQuorum.open(nodes, client, "")) {
            long t0 = System.nanoTime();
            assertTrue(c.lock(name).tryAcquire().isEmpty());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < QuorumLockDriver.SPLIT_BUDGET_NANOS / 1_000_000, "a held lock is not retried like a split vote: " + ms + " ms");
            assertTrue(eventually(() -> holderOn(nodes.get(2), name) == null), "the node this round took was given back");
            assertEquals("someone", c.inspect(name).orElseThrow().holder());
        }
    }

    @Test
    void splitVote_isUndoneEverywhere_andASingleAttemptGivesUpAfterItsBudget() throws Exception {
        String name = name("split");
        occupy(nodes.get(0), name, "x#1", 30_000);
        occupy(nodes.get(1), name, "y#1", 30_000); // nobody has a majority, and nobody can get one
        try (LockClient c = TestQuorum.open(nodes, "jedis", "")) {
            long t0 = System.nanoTime();
            assertTrue(c.lock(name).tryAcquire().isEmpty());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long budget = TimeUnit.NANOSECONDS.toMillis(QuorumLockDriver.SPLIT_BUDGET_NANOS);
            assertTrue(ms >= budget && ms < budget + scaledMillis(500), "a single attempt retried the split for " + ms + " ms");
            assertTrue(eventually(() -> holderOn(nodes.get(2), name) == null), "every round's node was given back");
            assertNull(c.inspect(name).orElseThrow().holder());
        }
    }

    @Test
    void splitVote_isWonOnceALeftoverExpires() throws Exception {
        String name = name("leftover");
        occupy(nodes.get(0), name, "x#1", 300);
        occupy(nodes.get(1), name, "y#1", 30_000);
        try (LockClient c = TestQuorum.open(nodes, "lettuce", "")) {
            long t0 = System.nanoTime();
            Lease lease = c.lock(name).tryAcquire(Duration.ofSeconds(5), Duration.ofSeconds(5)).orElseThrow();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 290 && ms < 300 + scaledMillis(500), "granted " + ms + " ms after asking, the leftover lived 300 ms");
            lease.release();
        }
    }

    @Test
    void release_ofATokenNeverConfirmed_deletesEveryRoundOfIt_andNothingElse() {
        String name = name("undo");
        occupy(nodes.get(0), name, "tok#1", 30_000);
        occupy(nodes.get(1), name, "tok#2", 30_000);
        occupy(nodes.get(2), name, "tok2#1", 30_000); // another acquisition whose token merely starts alike
        try (QuorumLockDriver d = TestQuorum.driver(nodes, "jedis", "")) {
            assertTrue(d.release(name, "tok"), "the engine's undo: every round of the token, on a majority");
            assertNull(holderOn(nodes.get(0), name));
            assertNull(holderOn(nodes.get(1), name));
            assertEquals("tok2#1", holderOn(nodes.get(2), name));
            assertFalse(d.release(name, "tok"), "nothing left to release");
        }
    }

    /** Requests to one node may overtake each other: a late request of an earlier round must not take over a later one. */
    @Test
    void acquireScript_takesAnEarlierRoundOfItsOwnAcquisition_neverALaterOneNorItsGrantedHold() {
        String name = name("rounds");
        RedisServer node = nodes.get(0);
        String lock = "latchkey:{" + name + "}:qlock";
        String fence = "latchkey:{" + name + "}:qfence";
        occupy(node, name, "tok#5", 30_000);
        assertEquals(0L, acquireOn(node, lock, fence, "tok", 3), "round 3 arrived after round 5");
        assertEquals("tok#5", holderOn(node, name));
        assertEquals(1L, acquireOn(node, lock, fence, "tok", 6), "round 6 replaces round 5's leftover");
        assertEquals("tok#6", holderOn(node, name));
        occupy(node, name, "tok", 30_000); // extended: the granted hold
        assertEquals(0L, acquireOn(node, lock, fence, "tok", 9));
        assertEquals("tok", holderOn(node, name));
    }

    private static long acquireOn(RedisServer node, String lock, String fence, String owner, int round) {
        List<?> r = (List<?>) node.call("EVAL", QuorumLockDriver.ACQUIRE.body(), "2", lock, fence, owner, Integer.toString(round), "30000");
        return (Long) r.get(0);
    }

    @Test
    void extend_needsAMajority_marksTheHold_andDeletesTheMinorityCopiesWhenItFails() throws Exception {
        String name = name("extend");
        try (QuorumLockDriver d = TestQuorum.driver(nodes, "jedis", "")) {
            Grant g = d.acquire(name, "tok", 30_000, 0);
            assertNotNull(g);
            assertTrue(eventually(() -> holding(nodes, name, "tok") == 3));
            nodes.get(0).call("DEL", "latchkey:{" + name + "}:qlock"); // as if it had expired there
            assertTrue(d.extend(name, "tok", 20_000));
            assertEquals("tok", holderOn(nodes.get(1), name), "an extension marks what it counted with the bare token");
            assertNull(holderOn(nodes.get(0), name), "an extension never creates a hold");
            nodes.get(1).call("DEL", "latchkey:{" + name + "}:qlock");
            assertFalse(d.extend(name, "tok", 20_000), "one node of three is no majority");
            assertTrue(eventually(() -> holderOn(nodes.get(2), name) == null), "the lost hold's last copy was deleted");
            assertFalse(d.release(name, "tok"));
        }
    }

    @Test
    void sentNanos_isReadBeforeTheFirstRequestOfTheGrantingRound() throws Exception {
        String name = name("sent");
        try (QuorumLockDriver d = TestQuorum.driver(nodes, "lettuce", "")) {
            long t0 = System.nanoTime();
            for (RedisServer n : nodes) {
                occupy(n, name, "earlier#1", 300);
            }
            Grant g = d.acquire(name, "tok", 10_000, TimeUnit.SECONDS.toNanos(5));
            long t1 = System.nanoTime();
            assertNotNull(g);
            // Not the first round (sent at once): the one sent after the holder's 300 ms, less a round trip.
            assertTrue(g.sentNanos() - t0 >= TimeUnit.MILLISECONDS.toNanos(250), "the granting round was sent "
                    + (g.sentNanos() - t0) / 1e6 + " ms after the call, the holder's keys lived 300 ms");
            assertTrue(g.sentNanos() < t1);
            d.release(name, "tok");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void scriptsAreReloaded_afterTheNodesForgotThem(String client) throws Exception {
        String name = name("noscript");
        try (LockClient c = TestQuorum.open(nodes, client, "")) {
            c.lock(name).tryAcquire().orElseThrow().release();
            nodes.forEach(n -> n.call("SCRIPT", "FLUSH"));
            Lease lease = c.lock(name).tryAcquire().orElseThrow();
            lease.extend(Duration.ofSeconds(10));
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
        }
    }

    @Test
    void waiter_listensOnEveryNode_andIsWokenByARelease() throws Exception {
        String name = name("wake");
        try (LockClient a = TestQuorum.open(nodes, "jedis", "fallback=30s"); LockClient b = TestQuorum.open(nodes, "lettuce", "fallback=30s")) {
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            var waiting = b.lock(name).acquireAsync(Duration.ofSeconds(20), Duration.ofSeconds(10)).toCompletableFuture();
            String channel = "latchkey:{" + name + "}:qwake";
            assertTrue(eventually(() -> nodes.stream().allMatch(n -> "1".equals(String.valueOf(
                    ((List<?>) n.call("PUBSUB", "NUMSUB", channel)).get(1))))), "one subscription per node");
            long released = System.nanoTime();
            held.release();
            Lease next = waiting.get(scaledMillis(1_000), TimeUnit.MILLISECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
            assertTrue(next.fencingToken() > held.fencingToken());
            assertTrue(ms < scaledMillis(1_000), "woken " + ms + " ms after the release, with a 30 s fallback");
            next.release();
        }
    }
}
