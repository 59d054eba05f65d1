package dev.latchkey.spring.integration;

import dev.latchkey.redis.testkit.TestTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockClient;
import dev.latchkey.inmemory.InMemorySpace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/**
 * Spring Integration's own leader election over two registries (two nodes): one leader at a time,
 * leadership moves when the leader stops, and a leader whose lock is taken over is revoked.
 */
class LeaderInitiatorTest {
    private final InMemorySpace space = InMemorySpace.create();

    /** A candidate that logs its grants and revocations. */
    static final class Node extends DefaultCandidate {
        final List<String> events = new CopyOnWriteArrayList<>();
        final LockRegistryLeaderInitiator initiator;

        Node(String id, String role, LatchkeyLockRegistry registry) {
            super(id, role);
            initiator = new LockRegistryLeaderInitiator(registry, this);
            initiator.setHeartBeatMillis(50);
            initiator.setBusyWaitMillis(20);
        }

        @Override
        public void onGranted(Context ctx) {
            events.add("granted");
        }

        @Override
        public void onRevoked(Context ctx) {
            events.add("revoked");
        }

        boolean leads() {
            return initiator.getContext().isLeader();
        }
    }

    @Test
    void oneLeaderAtATime_andLeadershipMoves() {
        String role = TestTime.name("role");
        Duration lease = TestTime.scaled(Duration.ofMillis(600));
        try (LockClient c1 = space.client(lease, false); LockClient c2 = space.client(lease, false)) {
            Node a = new Node("a", role, new LatchkeyLockRegistry(c1, lease));
            Node b = new Node("b", role, new LatchkeyLockRegistry(c2, lease));
            a.initiator.start();
            TestTime.await("a leads", Duration.ofSeconds(5), a::leads);
            b.initiator.start();
            for (int i = 0; i < 10; i++) { // over many heartbeats and renewals
                assertTrue(a.leads() && !b.leads(), "exactly one leader: a=" + a.leads() + " b=" + b.leads());
                sleep(60);
            }
            a.initiator.stop();
            TestTime.await("b leads after a stops", Duration.ofSeconds(5), b::leads);
            assertEquals(List.of("granted", "revoked"), a.events);

            assertTrue(c1.forceRelease(role), "an operator frees b's lock");
            a.initiator.start();
            TestTime.await("b is revoked once its lock is lost", Duration.ofSeconds(5), () -> b.events.contains("revoked"));
            TestTime.await("someone leads again", Duration.ofSeconds(5), () -> a.leads() || b.leads());
            assertTrue(!(a.leads() && b.leads()), "never two leaders");
            a.initiator.stop();
            b.initiator.stop();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
