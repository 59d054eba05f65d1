package dev.latchkey.redis.quorum;

import static dev.latchkey.redis.quorum.TestQuorum.eventually;
import static dev.latchkey.redis.quorum.TestQuorum.fenceOn;
import static dev.latchkey.redis.quorum.TestQuorum.holderOn;
import static dev.latchkey.redis.quorum.TestQuorum.name;
import static dev.latchkey.redis.quorum.TestQuorum.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.spi.Grant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Node and network faults: a minority fault changes nothing a caller can see except latency; a majority
 * fault is a clear {@link LockUnavailableException}; neither ever grants a lock twice.
 */
class FaultTest {
    /** A node timeout (scaled); a call that must not wait for a hanging node finishes within it. */
    private static final long TIMEOUT_MS = scaledMillis(1_000);
    private final List<RedisServer> nodes = new ArrayList<>();
    private final List<TcpProxy> proxies = new ArrayList<>();

    private List<RedisServer> start(int n, String... args) {
        for (int i = 0; i < n; i++) {
            nodes.add(RedisServer.start(args));
        }
        return nodes;
    }

    @AfterEach
    void stop() {
        proxies.forEach(TcpProxy::close);
        nodes.forEach(RedisServer::close);
    }

    /** Proxies in front of every node, for one client. */
    private List<TcpProxy> proxiesFor(List<RedisServer> servers) {
        List<TcpProxy> own = new ArrayList<>();
        for (RedisServer s : servers) {
            TcpProxy p = TcpProxy.start(s.host(), s.port());
            proxies.add(p);
            own.add(p);
        }
        return own;
    }

    private static LockClient openVia(List<TcpProxy> own, String client, String extra) {
        return Locks.open(TestQuorum.uri(own.stream().map(TcpProxy::port).toList(), client, extra));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void deadMinorityAtOpen_isTolerated_andConnectedOnceItComesBack(String client) throws Exception {
        List<RedisServer> s = start(3);
        s.get(0).kill();
        String name = name("dead-at-open");
        try (LockClient c = TestQuorum.open(s, client, "timeout=500ms")) {
            Lease lease = c.lock(name).tryAcquire().orElseThrow();
            assertTrue(eventually(() -> holderOn(s.get(1), name) != null && holderOn(s.get(2), name) != null), "the live nodes hold it");
            s.get(0).restart();
            lease.release();
            // The dead node is connected lazily: once back, later grants reach it too.
            assertTrue(eventually(() -> {
                Lease l = c.lock(name).tryAcquire().orElseThrow();
                boolean onNode0 = holderOn(s.get(0), name) != null;
                l.release();
                return onNode0;
            }), "the node that was down at open joined once it came back");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void deadMajorityAtOpen_failsClearly_namingTheNodes(String client) {
        List<RedisServer> s = start(3);
        s.get(0).kill();
        s.get(2).kill();
        LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> TestQuorum.open(s, client, "timeout=500ms"));
        assertTrue(e.getMessage().contains("2 of 3 nodes could not be reached; a majority of 2 is needed"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + s.get(0).port()) && e.getMessage().contains("127.0.0.1:" + s.get(2).port()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void nodeKilledMidHold_extendAndReleaseAreConfirmedByTheRest(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("killed");
        try (LockClient c = TestQuorum.open(s, client, "timeout=500ms"); LockClient other = TestQuorum.open(s, client, "timeout=500ms")) {
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(30));
            assertTrue(eventually(() -> holderOn(s.get(2), name) != null));
            s.get(2).kill();
            lease.extend(Duration.ofSeconds(30));
            assertTrue(other.lock(name).tryAcquire().isEmpty(), "still held by a majority");
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            assertTrue(other.lock(name).tryAcquire().isPresent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void forceRelease_freesTheLockWhenAMajorityIsReached_andFailsClearlyWhenNot(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("force");
        try (LockClient c = TestQuorum.open(s, client, "timeout=500ms"); LockClient admin = TestQuorum.open(s, client, "timeout=500ms")) {
            c.lock(name).acquire(Duration.ofSeconds(30));
            assertTrue(eventually(() -> holderOn(s.get(0), name) != null));
            s.get(0).kill(); // one node down: a majority is still reachable
            assertTrue(admin.forceRelease(name), "a hold was removed");
            assertTrue(admin.lock(name).tryAcquire().isPresent(), "free at once, although the dead node's copy was not deleted");

            String other = name("force-majority-down");
            c.lock(other).acquire(Duration.ofSeconds(30));
            s.get(1).kill();
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> admin.forceRelease(other));
            assertTrue(e.getMessage().contains("reached 1 of 3 nodes, 2 needed"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void nodePausedMidHold_callsAreDecidedByTheOthers_withoutWaitingForIt(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("paused");
        try (LockClient c = TestQuorum.open(s, client, "timeout=" + TIMEOUT_MS + "ms")) {
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(30));
            s.get(1).pause();
            try {
                long t0 = System.nanoTime();
                lease.extend(Duration.ofSeconds(30));
                Lease other = c.lock(name("paused-other")).tryAcquire().orElseThrow();
                other.release();
                assertEquals(ReleaseOutcome.RELEASED, lease.release());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms < TIMEOUT_MS, "four quorum calls took " + ms + " ms: they waited for the paused node's " + TIMEOUT_MS + " ms timeout");
            } finally {
                s.get(1).resume();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void majorityDown_acquireFailsClearly_andGrantsNothing(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("majority-down");
        try (LockClient c = TestQuorum.open(s, client, "timeout=500ms")) {
            c.lock(name).tryAcquire().orElseThrow().release();
            s.get(0).kill();
            s.get(1).kill();
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> c.lock(name).tryAcquire());
            assertTrue(e.getMessage().contains("no majority can answer"), e.getMessage());
            assertTrue(eventually(() -> holderOn(s.get(2), name) == null), "the live node's copy was undone");
        }
    }

    @Test
    void majorityPausedDuringRelease_isAnUnknownOutcome_thenAlreadyReleased() throws Exception {
        List<RedisServer> s = start(3);
        String name = name("release-unknown");
        try (LockClient c = TestQuorum.open(s, "jedis", "timeout=500ms")) {
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(30));
            assertTrue(eventually(() -> s.stream().allMatch(n -> holderOn(n, name) != null)));
            s.get(0).pause();
            s.get(1).pause();
            try {
                LockUnavailableException e = assertThrows(LockUnavailableException.class, lease::release);
                assertTrue(e.getMessage().contains("the outcome is unknown"), e.getMessage());
            } finally {
                s.get(0).resume();
                s.get(1).resume();
            }
            assertTrue(eventually(() -> {
                try {
                    return lease.release() == ReleaseOutcome.ALREADY_RELEASED; // the paused nodes ran the first attempt on resuming
                } catch (LockUnavailableException notYet) {
                    return false;
                }
            }));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void refusedLoginOnOneNode_isTolerated_onTwo_openFailsClearly(String client) throws Exception {
        List<RedisServer> one = List.of(RedisServer.start("--requirepass", "other"), RedisServer.start("--requirepass", "s3cret"),
                RedisServer.start("--requirepass", "s3cret"));
        List<RedisServer> two = List.of(RedisServer.start("--requirepass", "other"), RedisServer.start("--requirepass", "other"),
                RedisServer.start("--requirepass", "s3cret"));
        nodes.addAll(one);
        nodes.addAll(two);
        try (LockClient c = Locks.open(withPassword(one, client))) {
            assertTrue(c.lock(name("auth")).tryAcquire().isPresent(), "one node refusing the login is a minority fault");
            assertFalse(c.describe().contains("s3cret"), c.describe());
        }
        LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> Locks.open(withPassword(two, client)));
        assertTrue(e.getMessage().contains("2 of 3 nodes could not be reached") && e.getMessage().contains("authentication failed"),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    private static String withPassword(List<RedisServer> servers, String client) {
        return "redis-quorum://:s3cret@" + String.join(",", servers.stream().map(n -> "127.0.0.1:" + n.port()).toList())
                + "?client=" + client + "&timeout=1s";
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void outOfMemoryOnOneNode_isTolerated_onTwo_acquireFailsClearly_andGrantsNothing(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("oom");
        try (LockClient c = TestQuorum.open(s, client, "timeout=1s")) {
            c.lock(name("warm")).tryAcquire().orElseThrow().release(); // scripts loaded before memory runs out
            oom(s.get(0), true);
            Lease lease = c.lock(name).tryAcquire().orElseThrow();
            lease.release();
            oom(s.get(1), true);
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> c.lock(name).tryAcquire());
            assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
            assertTrue(eventually(() -> holderOn(s.get(2), name) == null), "nothing granted, the healthy node's copy undone");
            oom(s.get(0), false);
            oom(s.get(1), false);
            assertTrue(c.lock(name).tryAcquire().isPresent());
        }
    }

    private static void oom(RedisServer node, boolean on) {
        node.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
        node.command("CONFIG", "SET", "maxmemory", on ? "1" : "0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void nodeBlackholedForEveryone_locksStillHandOff_withoutWaitingForIt(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("blackhole");
        List<TcpProxy> pa = proxiesFor(s);
        List<TcpProxy> pb = proxiesFor(s);
        try (LockClient a = openVia(pa, client, "timeout=" + TIMEOUT_MS + "ms"); LockClient b = openVia(pb, client, "timeout=" + TIMEOUT_MS + "ms")) {
            a.lock(name).tryAcquire().orElseThrow().release(); // connected and subscribed before the fault
            pa.get(0).blackhole();
            pb.get(0).blackhole();
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(20), Duration.ofSeconds(30)).toCompletableFuture();
            Thread.sleep(200);
            assertFalse(waiting.isDone());
            long released = System.nanoTime();
            held.release();
            Lease next = waiting.get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
            assertTrue(ms < TIMEOUT_MS, "the handoff took " + ms + " ms: it waited for the black-holed node's " + TIMEOUT_MS + " ms timeout");
            assertTrue(next.fencingToken() > held.fencingToken());
            next.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void holderCutOffFromOneNode_keepsRenewingOnTheMajority(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("minority-cut");
        List<TcpProxy> own = proxiesFor(s);
        try (LockClient holder = openVia(own, client, "timeout=500ms"); LockClient other = TestQuorum.open(s, client, "")) {
            Lease lease = holder.lock(name).acquire(Duration.ofMillis(600)).renewAutomatically();
            own.get(2).cut();
            assertTrue(other.lock(name).tryAcquire(Duration.ofMillis(2_000), Duration.ofSeconds(1)).isEmpty(),
                    "a holder that still reaches a majority keeps the lock");
            assertTrue(lease.isValid());
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            assertTrue(other.lock(name).tryAcquire().isPresent());
        }
    }

    @Test
    void slowLinksToAMajority_beyondTheValidity_grantNothing_andLeaveNothing() throws Exception {
        List<RedisServer> s = start(3);
        String name = name("too-slow");
        List<TcpProxy> own = proxiesFor(s);
        own.get(0).delay(Duration.ofMillis(60));
        own.get(1).delay(Duration.ofMillis(60));
        String uri = TestQuorum.uri(own.stream().map(TcpProxy::port).toList(), "jedis", "timeout=2s");
        QuorumUri parsed = QuorumUri.parse(java.net.URI.create(uri), Duration.ofSeconds(30), Duration.ofSeconds(5));
        try (QuorumLockDriver d = QuorumLockDriver.open(parsed.nodes(), parsed.fallback(), dev.latchkey.spi.Ticker.SYSTEM)) {
            // A round needs two of the slow nodes: 120 ms to acquire, as much to commit, against a 100 ms lease.
            Grant g = d.acquire(name, "tok", 100, 0);
            assertNull(g, "a majority that answers after the validity is no grant");
            assertTrue(eventually(() -> s.stream().allMatch(n -> holderOn(n, name) == null)), "every copy was undone");
            Grant ok = d.acquire(name, "tok2", 5_000, TimeUnit.SECONDS.toNanos(2)); // past any straggler of the first
            assertNotNull(ok, "with a lease that outlasts the round trips it is granted");
            assertTrue(d.release(name, "tok2"));
        }
    }

    /**
     * A grant's request to a slow node lands after the release (Jedis sends them on different connections,
     * so they can overtake each other): it must not leave a copy there for the whole lease. The proxy holds
     * the acquisition for 300 ms, and the release, sent 100 ms later without delay, overtakes it every time. (Lettuce
     * sends both on one connection, in order, so the release always comes second.)
     */
    @Test
    void stragglerOfAGrant_landingAfterTheRelease_isReleasedToo() throws Exception {
        List<RedisServer> s = start(3);
        String name = name("straggler");
        List<TcpProxy> own = proxiesFor(s);
        try (LockClient c = openVia(own, "jedis", "timeout=2s")) {
            c.lock(name("warm")).tryAcquire().orElseThrow().release(); // connected before the fault
            own.get(2).delay(Duration.ofMillis(300));
            Lease lease = c.lock(name).tryAcquire(Duration.ZERO, Duration.ofSeconds(30)).orElseThrow(); // granted by nodes 0 and 1
            Thread.sleep(100); // the requests to node 2 have reached the proxy, which holds them until 300 ms
            own.get(2).delay(Duration.ZERO); // what is sent from now on is not held
            lease.release();
            assertNull(holderOn(s.get(2), name), "the acquisition has not reached the slow node yet");
            assertTrue(fenceOn(s.get(2), name) < lease.fencingToken(), "the grant's requests to node 2 are still held");
            assertTrue(eventually(() -> fenceOn(s.get(2), name) == lease.fencingToken()), "the held requests landed");
            Thread.sleep(200);
            assertNull(holderOn(s.get(2), name), "the slow node kept a copy of a released hold");
        }
    }
    /** A link cut while the acquisition is on it: the others decide; the cut node's outcome never counts. */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void connectionToOneNodeCutMidCall_theMajorityDecides_andNothingIsGrantedTwice(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("cut-mid-call");
        List<TcpProxy> own = proxiesFor(s);
        try (LockClient a = openVia(own, client, "timeout=" + TIMEOUT_MS + "ms"); LockClient b = TestQuorum.open(s, client, "")) {
            a.lock(name("warm")).tryAcquire().orElseThrow().release();
            own.get(0).delay(Duration.ofMillis(200));
            CompletableFuture<Lease> acquiring = a.lock(name).acquireAsync(Duration.ofSeconds(5), Duration.ofSeconds(30)).toCompletableFuture();
            Thread.sleep(100);
            own.get(0).cut(); // the request to node 0 is in the proxy, its reply will never come
            Lease lease = acquiring.get(scaledMillis(5_000), TimeUnit.MILLISECONDS);
            assertTrue(b.lock(name).tryAcquire().isEmpty(), "held by a majority");
            own.get(0).restore();
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            assertTrue(b.lock(name).tryAcquire().isPresent());
        }
    }

    /**
     * Links to a majority cut while the acquisition is on them: the outcome there is unknown, so the caller
     * gets an exception, never a grant, and the engine's undo frees whatever landed once the links are back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void connectionsToAMajorityCutMidCall_failTheAcquisition_andLeaveNothingHeld(String client) throws Exception {
        List<RedisServer> s = start(3);
        String name = name("cut-majority");
        List<TcpProxy> own = proxiesFor(s);
        try (LockClient a = openVia(own, client, "timeout=" + TIMEOUT_MS + "ms"); LockClient b = TestQuorum.open(s, client, "")) {
            a.lock(name("warm")).tryAcquire().orElseThrow().release();
            own.get(0).delay(Duration.ofMillis(200));
            own.get(1).delay(Duration.ofMillis(200));
            CompletableFuture<Lease> acquiring = a.lock(name).acquireAsync(Duration.ZERO, Duration.ofSeconds(30)).toCompletableFuture();
            Thread.sleep(100);
            own.get(0).cut();
            own.get(1).cut();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> acquiring.get(scaledMillis(10_000), TimeUnit.MILLISECONDS));
            assertTrue(e.getCause() instanceof LockUnavailableException, String.valueOf(e.getCause()));
            own.get(0).restore();
            own.get(1).restore();
            assertTrue(b.lock(name).tryAcquire(Duration.ofMillis(scaledMillis(3_000)), Duration.ofSeconds(5)).isPresent(),
                    "the lock was free again within seconds of a 30 s lease: nothing of a's failed acquisition was left");
        }
    }
}
