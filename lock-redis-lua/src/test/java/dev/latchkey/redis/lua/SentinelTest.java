package dev.latchkey.redis.lua;

import static dev.latchkey.redis.lua.TestRedis.name;
import static dev.latchkey.redis.lua.TestRedis.scaled;
import static dev.latchkey.redis.lua.TestRedis.scaledMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.testkit.RedisSentinel;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * redis-lua on Sentinel (a master, two replicas, three Sentinels; back to full strength before each test), on
 * both clients: the client follows the master across a failover, and with {@code replicas=1} a grant the
 * replicas never got is refused, while without it the same failover grants the lock twice.
 */
class SentinelTest {
    /** How long a client may take to find the new master once the failover is complete (measured: well under 1.5 s). */
    private static final Duration FOLLOW = Duration.ofSeconds(5);
    private static final Duration FAILOVER = Duration.ofSeconds(3);

    private static RedisSentinel sentinel;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinel.start();
    }

    @AfterAll
    static void stop() {
        sentinel.close();
    }

    @BeforeEach
    void fullStrength() {
        sentinel.rejoin();
    }

    static String uri(RedisSentinel sentinel, String client, String extra) {
        return "redis-lua://" + String.join(",", sentinel.sentinelAddresses()) + "?sentinel=" + sentinel.masterName()
                + "&client=" + client + "&timeout=1s" + (extra.isEmpty() ? "" : "&" + extra);
    }

    private static LockClient open(String client, String extra) {
        return Locks.open(uri(sentinel, client, extra));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void throughTheSentinels_locksOnTheMaster_andWakesWaiters(String client) throws Exception {
        String name = name("sentinel");
        try (LockClient a = open(client, ""); LockClient b = open(client, "fallback=30s")) {
            assertTrue(a.describe().contains("mymaster/0 via Sentinels"), a.describe());
            assertFalse(a.capabilities().contains(Capability.FAILOVER_SAFE), "no acknowledgement, no claim");
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            assertEquals(held.fencingToken(), Long.parseLong(String.valueOf(sentinel.master().call("HGET", "latchkey:{" + name + "}", "f"))));
            CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(20), Duration.ofSeconds(30)).toCompletableFuture();
            Thread.sleep(100);
            held.release();
            waiting.get(scaledMillis(2_000), TimeUnit.MILLISECONDS).release(); // woken, not the 30 s fallback
        }
    }

    /** The evidence: a grant the master acknowledged but never replicated is forgotten by the promoted replica. */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void withoutAcknowledgement_aFailoverGrantsTheLockTwice(String client) throws Exception {
        String name = name("twice");
        try (LockClient a = open(client, ""); LockClient b = open(client, "")) {
            sentinel.holdBackReplication();
            Lease first = a.lock(name).acquire(Duration.ofSeconds(30));
            sentinel.crashMasterAndFailOver(scaled(FAILOVER));
            Lease second = eventually(() -> b.lock(name).tryAcquire(Duration.ofSeconds(30)), FOLLOW).orElseThrow();
            assertTrue(first.isValid() && second.isValid(), "two valid leases on one lock");
            assertEquals(first.fencingToken(), second.fencingToken(), "and the fencing token went back: the same one, twice");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void withReplicas1_aGrantNoReplicaAcknowledges_isRefused_andNothingIsLeftHeld(String client) {
        String name = name("refused");
        try (LockClient c = open(client, "replicas=1&replicaTimeout=300ms")) {
            assertTrue(c.capabilities().contains(Capability.FAILOVER_SAFE));
            assertTrue(c.describe().contains("acknowledged by 1 replica within 300 ms (WAIT)"), c.describe());
            RedisServer master = sentinel.master();
            sentinel.holdBackReplication();
            long start = System.nanoTime();
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> c.lock(name).tryAcquire(Duration.ofSeconds(30)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(LockUnavailableException.Reason.NOT_READY, e.reason());
            assertTrue(e.getMessage().startsWith("redis acquire of lock '" + name + "' not acknowledged by 1 replica within 300 ms (0 did,"
                    + " WAIT 1 300 at jedis".replace("jedis", client)), e.getMessage());
            assertTrue(ms >= 300 && ms < scaledMillis(3_000), "refused after " + ms + " ms");
            assertNull(master.call("HGET", "latchkey:{" + name + "}", "o"), "the engine undid the grant on the master");
            sentinel.releaseReplication();
            sentinel.rejoin();
            for (RedisServer replica : sentinel.replicas()) {
                assertNull(replica.call("HGET", "latchkey:{" + name + "}", "o"), "nor does a replica hold it");
            }
        }
    }

    /**
     * Regression: the master dies while a grant waits for its acknowledgement. Lettuce used to re-send the
     * unanswered WAIT on its reconnected connection, to the new master, where it counted a replica that had
     * nothing of the grant: a grant that existed nowhere was reported (the soak saw fencing tokens issued twice).
     * The acquisition must fail instead, and leave the lock free.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void withReplicas1_theMasterDiesWhileAGrantAwaitsItsAcknowledgement_theGrantFails(String client) throws Exception {
        String name = name("midwait");
        try (LockClient c = open(client, "replicas=1&replicaTimeout=" + scaledMillis(8_000) + "ms"); LockClient d = open(client, "replicas=1")) {
            sentinel.holdBackReplication();
            CompletableFuture<Optional<Lease>> acquiring = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.lock(name).tryAcquire(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    throw e;
                }
            });
            Thread.sleep(300); // the script ran on the old master; its WAIT waits for a replica
            sentinel.crashMasterAndFailOver(scaled(FAILOVER));
            sentinel.rejoin(); // now the new master has a replica to acknowledge whatever is asked
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> acquiring.get(scaledMillis(10_000), TimeUnit.MILLISECONDS));
            assertTrue(failed.getCause() instanceof LockUnavailableException, String.valueOf(failed.getCause()));
            eventually(() -> d.lock(name).tryAcquire(Duration.ofSeconds(5)), FOLLOW).orElseThrow().release();
        }
    }

    @Test
    void withReplicas1_extendAndReleaseThatNoReplicaAcknowledges_fail_andARetriedReleaseSaysAlreadyReleased() throws Exception {
        String name = name("unacknowledged");
        try (LockClient c = open("jedis", "replicas=1&replicaTimeout=" + scaledMillis(1_000) + "ms")) {
            Lease lease = c.lock(name).acquire(Duration.ofSeconds(30));
            sentinel.holdBackReplication();
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> lease.extend(Duration.ofSeconds(60)));
            assertTrue(e.getMessage().startsWith("redis extend of lock '" + name + "' not acknowledged by 1 replica"), e.getMessage());
            assertTrue(lease.remaining().compareTo(Duration.ofSeconds(30)) <= 0, "an extension that does not count does not move the deadline");
            e = assertThrows(LockUnavailableException.class, lease::release);
            assertTrue(e.getMessage().startsWith("redis release of lock '" + name + "' not acknowledged by 1 replica"), e.getMessage());
            sentinel.releaseReplication();
            assertEquals(ReleaseOutcome.ALREADY_RELEASED, lease.release(), "the first attempt got through");
        }
    }

    /**
     * An acknowledged grant survives the failover: nobody else gets the lock while it lasts, and its holder
     * releases it on the new master. A waiter that waited across the failover, its subscription lost with the old
     * master, gets the lock by a wake-up on its resubscribed connection or at its fallback re-check (3 s, longer
     * than the failover, so that the re-check meets the new master), never at the end of its 60 s wait.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jedis", "lettuce"})
    void withReplicas1_anAcknowledgedGrantSurvivesTheFailover_andAWaiterDoesNotHang(String client) throws Exception {
        String name = name("survives");
        Duration fallback = Duration.ofSeconds(3);
        try (LockClient a = open(client, "replicas=1"); LockClient b = open(client, "replicas=1&fallback=3s");
             LockClient c = open(client, "replicas=1")) {
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(60), Duration.ofSeconds(30)).toCompletableFuture();
            Thread.sleep(100);
            sentinel.crashMasterAndFailOver(scaled(FAILOVER));
            assertTrue(eventually(() -> c.lock(name).tryAcquire(Duration.ofSeconds(30)), FOLLOW).isEmpty(), "the hold survived the failover");
            assertFalse(waiting.isDone(), "the waiter still waits");
            ReleaseOutcome outcome = eventually(held::release, FOLLOW);
            long released = System.nanoTime();
            Lease next = waiting.get(scaledMillis(fallback.toMillis() + 2_000), TimeUnit.MILLISECONDS);
            System.out.printf("[sentinel] %s: release on the new master %s; the waiter got the lock %d ms later%n",
                    client, outcome, (System.nanoTime() - released) / 1_000_000);
            assertTrue(next.fencingToken() > held.fencingToken());
            next.release();
        }
    }

    @Test
    void waitaofOnARedisWithoutIt_fallsBackToWait_andSaysSo() throws Exception {
        String version = String.valueOf(sentinel.master().call("INFO", "server")).replaceAll("(?s).*redis_version:([0-9.]+).*", "$1");
        try (LockClient c = open("lettuce", "replicas=1&waitaof=true")) {
            assertTrue(c.describe().contains("acknowledged by 1 replica within 1000 ms (WAIT; WAITAOF asked, but Redis " + version
                    + " has none)"), c.describe());
            c.lock(name("waitaof")).acquire(Duration.ofSeconds(5)).release();
        }
    }

    /** Calls {@code call} until it stops failing with {@link LockUnavailableException} (the client finds the new master). */
    static <T> T eventually(Callable<T> call, Duration limit) throws Exception {
        long deadline = System.nanoTime() + scaled(limit).toNanos();
        while (true) {
            try {
                return call.call();
            } catch (LockUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
