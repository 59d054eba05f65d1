package dev.latchkey.redis.testkit;

import static dev.latchkey.redis.testkit.Timing.scaled;
import static dev.latchkey.redis.testkit.Timing.setAndWait;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** One master and two replicas for the class; each test starts from full strength ({@code rejoin()}). */
class RedisReplicationTest {

    private static final Duration ACK = Duration.ofSeconds(1);

    private static RedisReplication replication;

    @BeforeAll
    static void start() {
        replication = RedisReplication.start(2);
    }

    @AfterAll
    static void stop() {
        replication.close();
    }

    @BeforeEach
    void fullStrength() {
        replication.rejoin();
    }

    @Test
    void replicasCopyTheMasterAndRefuseWrites() {
        RedisServer master = replication.master();
        List<RedisServer> replicas = replication.replicas();
        assertEquals(2, replicas.size());
        assertEquals(3, replication.servers().size());
        assertEquals(2, setAndWait(master, "copied", "yes", 2, ACK), "both replicas acknowledge the write");
        for (RedisServer replica : replicas) {
            assertEquals("slave", Topology.info(replica, "replication").get("role"));
            assertEquals("yes", replica.call("GET", "copied"));
            RedisReplyException e = assertThrows(RedisReplyException.class, () -> replica.call("SET", "copied", "no"));
            assertTrue(e.getMessage().startsWith("READONLY"), e.getMessage());
        }
    }

    @Test
    void promotedReplicaAnswersWritesAndTheOtherReplicaFollowsIt() {
        RedisServer old = replication.master();
        assertEquals(2, setAndWait(old, "before", "1", 2, ACK));
        old.kill();

        RedisServer promoted = replication.promote(replication.replicas().get(0));
        assertSame(promoted, replication.master());
        assertNotEquals(old, promoted);
        assertEquals("master", Topology.info(promoted, "replication").get("role"));
        assertEquals("1", promoted.call("GET", "before"));
        assertEquals(1, setAndWait(promoted, "after", "2", 1, ACK), "the other replica follows the new master");
        RedisServer other = replication.replicas().stream().filter(s -> s != old).findFirst().orElseThrow();
        assertEquals(String.valueOf(promoted.port()), Topology.info(other, "replication").get("master_port"));
        assertEquals("2", other.call("GET", "after"));
    }

    @Test
    void heldBackWriteIsAcknowledgedByTheMasterButAbsentOnThePromotedReplica() {
        RedisServer master = replication.master();
        assertEquals(2, setAndWait(master, "k", "replicated", 2, ACK));

        replication.holdBackReplication();
        assertEquals(0, setAndWait(master, "k", "acknowledged only", 1, Duration.ofMillis(200)),
                "the master acknowledged the write, no replica did");
        master.kill();
        replication.releaseReplication();

        RedisServer promoted = replication.promote(replication.replicas().get(1));
        assertEquals("replicated", promoted.call("GET", "k"), "the acknowledged write was lost in the failover");
    }

    @Test
    void releasedReplicasCatchUpWhileTheMasterLives() {
        RedisServer master = replication.master();
        replication.holdBackReplication();
        assertEquals(0, setAndWait(master, "late", "v", 1, Duration.ofMillis(200)));
        replication.releaseReplication();
        replication.awaitInSync(scaled(Duration.ofSeconds(5)));
        for (RedisServer replica : replication.replicas()) {
            assertEquals("v", replica.call("GET", "late"));
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> RedisReplication.start(0));
        assertThrows(IllegalArgumentException.class, () -> replication.promote(replication.master()));
    }
}
