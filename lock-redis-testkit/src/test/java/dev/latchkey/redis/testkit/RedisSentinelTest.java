package dev.latchkey.redis.testkit;

import static dev.latchkey.redis.testkit.Timing.scaled;
import static dev.latchkey.redis.testkit.Timing.setAndWait;
import static dev.latchkey.redis.testkit.Timing.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A master, two replicas and three Sentinels for the class; each test starts from full strength. */
class RedisSentinelTest {

    /**
     * The longest a failover should take once the master is dead, from Sentinel's timers: the
     * master is subjectively down after DOWN_AFTER plus one 1 s ping period, objectively down after
     * one more 1 s round of asking the others; the leader waits up to 1 s (desync), promotes and sees
     * it in the next 1 s INFO; the other Sentinels hear of it within a 2 s hello period. (Measured
     * here: about 3.3 s after SIGKILL, 1.2 s for SENTINEL FAILOVER.)
     */
    static final Duration FAILOVER_BOUND = RedisSentinel.DOWN_AFTER.plusSeconds(1 + 1 + 1 + 1 + 2);

    private static final Duration ACK = Duration.ofSeconds(1);
    private static final String NAME = "orders";

    private static RedisSentinel sentinel;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinel.start(NAME, 2);
    }

    @AfterAll
    static void stop() {
        sentinel.close();
    }

    @BeforeEach
    void fullStrength() {
        sentinel.rejoin();
    }

    @Test
    void threeSentinelsMonitorTheMasterByItsName() {
        assertEquals(NAME, sentinel.masterName());
        assertEquals(3, sentinel.sentinels().size());
        assertEquals(3, sentinel.servers().size());
        RedisServer master = sentinel.master();
        assertEquals(2, sentinel.replicas().size());
        for (RedisServer s : sentinel.sentinels()) {
            assertEquals(List.of("127.0.0.1", String.valueOf(master.port())), s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME));
            assertTrue(sentinel.sentinelAddresses().contains("127.0.0.1:" + s.port()));
        }
        assertEquals(2, setAndWait(master, "k", "v", 2, ACK), "both replicas acknowledge a write");
    }

    @Test
    void killedMasterIsReplacedWithinTheBoundAndTheNewMasterHasItsData() {
        RedisServer old = sentinel.master();
        assertEquals(2, setAndWait(old, "k", "v", 2, ACK));

        long start = System.nanoTime();
        old.kill();
        RedisServer promoted = sentinel.awaitFailover(old, scaled(FAILOVER_BOUND));
        System.out.println("Sentinel failover after SIGKILL of the master took " + since(start).toMillis() + " ms");

        assertNotEquals(old, promoted);
        assertSame(promoted, sentinel.master());
        assertEquals("v", promoted.call("GET", "k"));
        assertEquals(1, setAndWait(promoted, "k", "w", 1, ACK), "the other replica follows the new master");
    }

    @Test
    void sentinelFailoverPromotesAReplicaWhileTheMasterLives() {
        RedisServer old = sentinel.master();
        long start = System.nanoTime();
        RedisServer promoted = sentinel.failover(scaled(FAILOVER_BOUND));
        System.out.println("SENTINEL FAILOVER took " + since(start).toMillis() + " ms");
        assertNotEquals(old, promoted);
        assertTrue(old.isAlive());
        assertEquals("OK", promoted.call("SET", "after-failover", "1"));
    }

    @Test
    void heldBackWriteIsAcknowledgedButLostInTheFailover() {
        RedisServer old = sentinel.master();
        assertEquals(2, setAndWait(old, "k", "replicated", 2, ACK));

        sentinel.holdBackReplication();
        assertEquals(0, setAndWait(old, "k", "acknowledged only", 1, Duration.ofMillis(200)),
                "the master acknowledged the write, no replica did");
        old.kill();
        sentinel.releaseReplication();

        RedisServer promoted = sentinel.awaitFailover(old, scaled(FAILOVER_BOUND));
        assertEquals("replicated", promoted.call("GET", "k"), "the acknowledged write was lost in the failover");
    }

    /** Sentinel's own failover takes FAILOVER_BOUND; asked at once it takes its INFO and hello periods: 1 + 2 s. */
    @Test
    void crashedMasterIsReplacedAtOnce_byAReplicaThatLacksTheHeldBackWrite() {
        RedisServer old = sentinel.master();
        assertEquals(2, setAndWait(old, "k", "replicated", 2, ACK));
        sentinel.holdBackReplication();
        assertEquals(0, setAndWait(old, "k", "acknowledged only", 1, Duration.ofMillis(200)));

        long start = System.nanoTime();
        RedisServer promoted = sentinel.crashMasterAndFailOver(scaled(Duration.ofSeconds(3)));
        System.out.println("crashMasterAndFailOver took " + since(start).toMillis() + " ms");

        assertFalse(old.isAlive());
        assertSame(promoted, sentinel.master());
        assertEquals("replicated", promoted.call("GET", "k"), "the acknowledged write was lost in the failover");
        assertEquals(1, setAndWait(promoted, "k", "w", 1, ACK), "the other replica follows the new master");
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> RedisSentinel.start(NAME, 0));
        assertThrows(IllegalArgumentException.class, () -> RedisSentinel.start("two words", 1));
    }
}
