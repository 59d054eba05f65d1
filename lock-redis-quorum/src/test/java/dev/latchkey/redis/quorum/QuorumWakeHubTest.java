package dev.latchkey.redis.quorum;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.testkit.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wake-ups over every node's pub/sub: one release heard from several nodes wakes one waiter once. */
class QuorumWakeHubTest {

    private static List<Node> nodes(List<RedisServer> servers, QuorumWakeHub[] hub) {
        QuorumUri parsed = QuorumUri.parse(URI.create(TestQuorum.uri(TestQuorum.ports(servers), "jedis", "timeout=500ms")),
                Duration.ofSeconds(30), Duration.ofSeconds(5));
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            out.add(new Node(i, parsed.nodes().get(i), (c, m) -> hub[0].wake(c, m)));
        }
        return out;
    }

    @Test
    void aReleaseHeardFromEveryNode_wakesTheHeadOnce_andTheNextReleaseWakesItAgain() throws Exception {
        List<RedisServer> servers = List.of(RedisServer.start(), RedisServer.start(), RedisServer.start());
        QuorumWakeHub[] ref = new QuorumWakeHub[1];
        List<Node> nodes = nodes(servers, ref);
        try (QuorumWakeHub hub = new QuorumWakeHub(nodes, 2, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            ref[0] = hub;
            String channel = "latchkey:{hub}:qwake";
            QuorumWakeHub.Waiter first = hub.join(channel);
            QuorumWakeHub.Waiter second = hub.join(channel);
            for (RedisServer s : servers) {
                s.call("PUBLISH", channel, "tokenA"); // one release, deleted on three nodes
            }
            assertTrue(first.await(Duration.ofSeconds(2).toNanos()), "the head was woken");
            assertFalse(second.await(Duration.ofMillis(300).toNanos()), "the same release, heard three times, woke a second waiter");
            assertFalse(first.await(Duration.ofMillis(100).toNanos()), "the head was woken more than once");
            servers.get(1).call("PUBLISH", channel, "tokenB");
            assertTrue(first.await(Duration.ofSeconds(2).toNanos()), "another release wakes the head again");
            hub.leave(channel, first, true);
            hub.leave(channel, second, false);
        } finally {
            nodes.forEach(Node::close);
            servers.forEach(RedisServer::close);
        }
    }

    @Test
    void join_needsAMajorityOfConfirmations() throws Exception {
        List<RedisServer> servers = List.of(RedisServer.start(), RedisServer.start(), RedisServer.start());
        QuorumWakeHub[] ref = new QuorumWakeHub[1];
        List<Node> nodes = nodes(servers, ref);
        try (QuorumWakeHub hub = new QuorumWakeHub(nodes, 2, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            ref[0] = hub;
            servers.get(0).kill();
            hub.leave("latchkey:{one-down}:qwake", hub.join("latchkey:{one-down}:qwake"), false); // two of three confirm
            servers.get(1).kill();
            LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> hub.join("latchkey:{two-down}:qwake"));
            assertTrue(e.getMessage().contains("confirmed by 1 of 3 nodes, 2 needed"), e.getMessage());
        } finally {
            nodes.forEach(Node::close);
            servers.forEach(RedisServer::close);
        }
    }
}
