package dev.latchkey.redis.getset;

import static dev.latchkey.redis.getset.Redis.key;
import static dev.latchkey.redis.getset.Redis.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.redis.getset.RedisGetSetLocks.Mode;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Characterisation tests: each asserts that one known failure of the article's algorithm really
 * happens in {@code mode=article}. If one of these starts failing, article mode no longer implements
 * the article faithfully. {@link CheckedModeTest} runs the same scenarios against the fixes.
 */
class ArticleModeCharacterisationTest {
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void characterisation_aStaleHoldersDelFreesItsSuccessorsLock(String client) throws Exception {
        String name = "article-stale-del-" + client;
        try (LockClient a = Redis.open(server, client, "article", "&retry=20ms");
             LockClient b = Redis.open(server, client, "article", "&retry=20ms");
             LockClient c = Redis.open(server, client, "article", "&retry=20ms")) {
            Lease slow = a.lock(name).acquire(ms(300));
            Lease successor = b.lock(name).acquire(Duration.ofSeconds(5), Duration.ofSeconds(10)); // after A's lease ran out
            assertFalse(slow.isValid());

            assertThrows(LockLostException.class, slow::release, "A is told that its lease had ended...");
            assertEquals("(nil)", server.command("GET", key(name)), "...but its plain DEL removed B's key all the same");
            Optional<Lease> third = c.lock(name).tryAcquire();
            assertTrue(third.isPresent() && successor.isValid(), "granted twice: B and C both hold the lock");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void characterisation_aLosingGetSetOverwritesTheWinnersExpiry(String client) throws Exception {
        String name = "article-getset-race-" + client;
        HookedPort loserPort = new HookedPort(server, client);
        try (LockClient loser = RedisGetSetLocks.builder().mode(Mode.ARTICLE).build(loserPort.port);
             LockClient winner = Redis.open(server, client, "article", "");
             LockClient third = Redis.open(server, client, "article", "&retry=20ms")) {
            server.command("SET", key(name), "1"); // a crashed holder's long-stale expiry
            AtomicReference<Lease> won = new AtomicReference<>();
            AtomicReference<String> winnersValue = new AtomicReference<>();
            // The winner moves between the loser's GET (which saw the stale value) and the loser's GETSET.
            loserPort.afterNextGet(() -> {
                won.set(winner.lock(name).tryAcquire(Duration.ZERO, Duration.ofSeconds(10)).orElseThrow());
                winnersValue.set(server.command("GET", key(name)));
                return null;
            });
            assertTrue(loser.lock(name).tryAcquire(Duration.ZERO, ms(300)).isEmpty(), "the loser does not get the lock");
            assertNotNull(won.get());

            String now = server.command("GET", key(name));
            assertNotEquals(winnersValue.get(), now, "the losing GETSET overwrote the winner's expiry");
            assertTrue(Long.parseLong(now) < Long.parseLong(winnersValue.get()), "with a shorter lease it moved it earlier");
            Lease second = third.lock(name).acquire(Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertTrue(won.get().isValid() && second.isValid(), "granted twice: the winner's 10 s lease is still valid");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void characterisation_aParticipantWhoseClockRunsAheadTakesOverALiveLock(String client) throws Exception {
        String name = "article-skew-" + client;
        Duration lease = Duration.ofSeconds(2);
        try (LockClient a = Redis.open(server, client, "article", "");
             LockClient skewed = Redis.open(server, client, "article", "&skew=" + 2 * lease.toMillis() + "ms")) {
            Lease held = a.lock(name).acquire(lease);
            Optional<Lease> taken = skewed.lock(name).tryAcquire(Duration.ZERO, lease);
            assertTrue(taken.isPresent(), "the skewed participant sees A's expiry as long past");
            assertTrue(held.isValid() && taken.get().isValid(), "granted twice");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void characterisation_anAbandonedKeyNeverLeavesRedis(String client) throws Exception {
        String name = "article-abandoned-" + client;
        try (LockClient a = Redis.open(server, client, "article", "")) {
            a.lock(name).acquire(ms(100)); // never released
            Thread.sleep(300);
            assertEquals("-1", server.command("PTTL", key(name)), "the key has no TTL, long after its lease");
        } finally {
            server.command("DEL", key(name));
        }
    }
}
