package dev.latchkey.redis.getset;

import static dev.latchkey.redis.getset.Redis.key;
import static dev.latchkey.redis.getset.Redis.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.getset.RedisGetSetLocks.Mode;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scenarios of {@link ArticleModeCharacterisationTest} against {@code mode=checked}: what it fixes, and what it does not. */
class CheckedModeTest {
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aStaleReleaseReportsLossAndTheSuccessorKeepsTheLock(String client) throws Exception {
        String name = "checked-stale-del-" + client;
        try (LockClient a = Redis.open(server, client, "checked", "&retry=20ms");
             LockClient b = Redis.open(server, client, "checked", "&retry=20ms");
             LockClient c = Redis.open(server, client, "checked", "")) {
            Lease slow = a.lock(name).acquire(ms(300));
            Lease successor = b.lock(name).acquire(Duration.ofSeconds(5), Duration.ofSeconds(10));
            String successorsValue = server.command("GET", key(name));

            assertThrows(LockLostException.class, slow::release);
            assertEquals(successorsValue, server.command("GET", key(name)), "B's key is untouched");
            assertTrue(c.lock(name).tryAcquire().isEmpty());
            assertEquals(ReleaseOutcome.RELEASED, successor.release());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aStaleExtendReportsLossAndDoesNotProlongTheSuccessor(String client) throws Exception {
        String name = "checked-stale-extend-" + client;
        try (LockClient a = Redis.open(server, client, "checked", "&retry=20ms");
             LockClient b = Redis.open(server, client, "checked", "&retry=20ms")) {
            Lease slow = a.lock(name).acquire(ms(300));
            Lease successor = b.lock(name).acquire(Duration.ofSeconds(5), Duration.ofSeconds(3));
            String successorsValue = server.command("GET", key(name));

            assertThrows(LockLostException.class, () -> slow.extend(Duration.ofSeconds(60)));
            assertEquals(successorsValue, server.command("GET", key(name)));
            long ttl = Long.parseLong(server.command("PTTL", key(name)));
            assertTrue(ttl > 0 && ttl <= 3_000 + GetSetDriver.TTL_MARGIN_MILLIS, "B's TTL, not A's 60 s: " + ttl);
            assertEquals(ReleaseOutcome.RELEASED, successor.release());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aLosingTakeoverLeavesTheWinnerIntact(String client) throws Exception {
        String name = "checked-getset-race-" + client;
        HookedPort loserPort = new HookedPort(server, client);
        try (LockClient loser = RedisGetSetLocks.builder().mode(Mode.CHECKED).build(loserPort.port);
             LockClient winner = Redis.open(server, client, "checked", "");
             LockClient third = Redis.open(server, client, "checked", "")) {
            server.command("SET", key(name), "1:crashed-holder");
            AtomicReference<Lease> won = new AtomicReference<>();
            AtomicReference<String> winnersValue = new AtomicReference<>();
            loserPort.afterNextGet(() -> {
                won.set(winner.lock(name).tryAcquire(Duration.ZERO, Duration.ofSeconds(10)).orElseThrow());
                winnersValue.set(server.command("GET", key(name)));
                return null;
            });
            assertTrue(loser.lock(name).tryAcquire(Duration.ZERO, ms(300)).isEmpty(), "the loser does not get the lock");
            assertNotNull(won.get());
            assertEquals(winnersValue.get(), server.command("GET", key(name)), "the winner's value is intact");
            Thread.sleep(500);
            assertTrue(third.lock(name).tryAcquire().isEmpty(), "still held after the loser's 300 ms lease");
            assertEquals(ReleaseOutcome.RELEASED, won.get().release());
        }
    }

    /**
     * The holder's own renewal lands between its release's GET and its delete (the engine lets a release run beside
     * a renewal in flight, so that a hung renewal cannot block it). Before the fix the delete missed the rewritten
     * value: the release reported the lock lost, and the lock stayed held for the renewed lease.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aReleaseRacingTheHoldersOwnRenewal_freesTheLock(String client) throws Exception {
        String name = "checked-release-vs-renewal-" + client;
        HookedPort holderPort = new HookedPort(server, client);
        try (LockClient holder = RedisGetSetLocks.builder().mode(Mode.CHECKED).build(holderPort.port);
             LockClient other = Redis.open(server, client, "checked", "")) {
            Lease lease = holder.lock(name).acquire(Duration.ofSeconds(10));
            String before = server.command("GET", key(name));
            String token = before.substring(before.indexOf(':') + 1);
            holderPort.afterNextGet(() -> { // what the renewal writes: a later expiry, the same token
                long renewed = Long.parseLong(before.substring(0, before.indexOf(':'))) + 5_000;
                return server.command("SET", key(name), renewed + ":" + token, "PX", "15000");
            });
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
            assertEquals("0", server.command("EXISTS", key(name)), "nothing left held");
            assertTrue(other.lock(name).tryAcquire().isPresent());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void anAbandonedKeyLeavesRedisAfterItsLeasePlusTheMargin(String client) throws Exception {
        String name = "checked-abandoned-" + client;
        long lease = 200;
        try (LockClient a = Redis.open(server, client, "checked", "")) {
            long start = System.nanoTime();
            a.lock(name).acquire(ms(lease)); // never released
            long ttl = Long.parseLong(server.command("PTTL", key(name)));
            assertTrue(ttl > lease && ttl <= lease + GetSetDriver.TTL_MARGIN_MILLIS, "TTL " + ttl);
            Redis.await("the key is gone", () -> "0".equals(server.command("EXISTS", key(name))), 5_000);
            assertTrue(Redis.millisSince(start) >= lease + GetSetDriver.TTL_MARGIN_MILLIS - 100, "not before its TTL");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void characterisation_aParticipantWhoseClockRunsAheadStillTakesOverALiveLock(String client) throws Exception {
        String name = "checked-skew-" + client;
        Duration lease = Duration.ofSeconds(2);
        try (LockClient a = Redis.open(server, client, "checked", "");
             LockClient skewed = Redis.open(server, client, "checked", "&skew=" + 2 * lease.toMillis() + "ms")) {
            Lease held = a.lock(name).acquire(lease);
            Optional<Lease> taken = skewed.lock(name).tryAcquire(Duration.ZERO, lease);
            assertTrue(taken.isPresent(), "checked mode still judges expiry by client clocks (not CLOCK_INDEPENDENT)");
            assertTrue(held.isValid() && taken.get().isValid(), "granted twice");
            assertThrows(LockLostException.class, held::release, "but A's release cannot free the skewed holder's lock");
            assertEquals(ReleaseOutcome.RELEASED, taken.get().release());
        }
    }
}
